using Mrq;

namespace SharedTasks;

/// <summary>
/// The library's public face for other assemblies: the generated <c>Tasks</c> façades are internal to the assembly that
/// declares the tasks, so a web app that enqueues them goes through typed requests like these.
/// </summary>
public static class SquareJobs
{
    /// <summary>A job squaring <paramref name="n"/>, for <c>client.EnqueueAsync(...)</c>.</summary>
    public static JobRequest Square(int n) => Tasks.Square.Job(n);

    /// <summary>The result of a finished square job.</summary>
    public static int Result(JobInfo job) => Tasks.Square.GetResult(job);
}
