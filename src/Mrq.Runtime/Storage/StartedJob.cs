namespace Mrq.Storage;

/// <summary>A job in status <c>started</c>, as recovery sees it: who started it and when.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Path">The task path.</param>
/// <param name="Worker">The id of the worker that started it, when recorded.</param>
/// <param name="DateStarted">When it was started, when recorded.</param>
public readonly record struct StartedJob(JobId Id, string Path, string? Worker, DateTime? DateStarted)
{
    /// <summary>
    /// When set, <see cref="IJobMaintenance.RequeueStartedAsync"/> puts the job back with this queued date (its old
    /// place in its queue) instead of at the end: a job a worker claimed ahead and hands back without running it.
    /// </summary>
    public DateTime? DateQueued { get; init; }
}
