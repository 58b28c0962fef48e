using Mrq;

namespace ConsumerTasks;

/// <summary>What the library offers its callers: the generated façade (internal to the library) behind a public API.</summary>
public static class SquareJobs
{
    /// <summary>Enqueues <c>Square(n)</c> on its queue.</summary>
    public static JobId Enqueue(int n) => Tasks.Square.Enqueue(n: n);

    /// <summary>The result of a finished <c>Square</c> job.</summary>
    public static int Result(JobInfo job) => Tasks.Square.GetResult(job);
}
