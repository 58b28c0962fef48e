namespace Mrq;

/// <summary>
/// The small asynchronous core of the client API, what a client implementation provides. The synchronous and single-job
/// overloads (<c>Enqueue</c>, <c>EnqueueAsync</c>, <c>EnqueueMany</c>, <c>EnqueueRaw</c>, <c>WaitAsync</c>) are extension
/// methods over it in <see cref="MrqClientExtensions"/>, and the generated <c>Tasks.&lt;Name&gt;.Enqueue(...)</c> methods
/// are typed conveniences over both. Disposing a client closes the stores it opened (a client given stores it does not
/// own leaves them open).
/// </summary>
public interface IMrqClient : IAsyncDisposable
{
    /// <summary>Enqueues many jobs with batched bulk inserts and returns their ids in order.</summary>
    ValueTask<IReadOnlyList<JobId>> EnqueueManyAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds raw params to a raw queue (a name ending in <c>_raw</c>, <c>_set</c>, <c>_sorted_set</c> or <c>_timed_set</c>)
    /// in one round trip. The generated <c>RawQueues.&lt;Name&gt;.Enqueue(...)</c> methods call this.
    /// </summary>
    ValueTask EnqueueRawAsync(string queue, IReadOnlyList<RawParam> items, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes raw params from a raw queue: how a task acknowledges a <c>_timed_set</c> member taken with pushback, which
    /// otherwise becomes due again. Returns how many were removed.
    /// </summary>
    ValueTask<long> RemoveRawAsync(string queue, IReadOnlyList<string> items, CancellationToken cancellationToken = default);

    /// <summary>Reads a job, or null when no job has that id.</summary>
    ValueTask<JobInfo?> GetJobAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels the queued, started and retry jobs <paramref name="filter"/> selects (MRQ's JobAction cancel). Queued jobs
    /// never run; a running job's CancellationToken is cancelled by its worker within about a second and the job keeps
    /// status <c>cancel</c>. Returns how many jobs were cancelled.
    /// </summary>
    ValueTask<long> CancelAsync(JobFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Requeues the jobs <paramref name="filter"/> selects, from any status, at the end of their queue or of
    /// <paramref name="destinationQueue"/>; the retry count is reset unless <paramref name="keepRetryCount"/> (MRQ's
    /// <c>requeue_retry</c>). Returns how many jobs were requeued.
    /// </summary>
    ValueTask<long> RequeueAsync(JobFilter filter, string? destinationQueue = null, bool keepRetryCount = false, CancellationToken cancellationToken = default);

    /// <summary>The lines the job wrote through <see cref="JobContext.Logger"/>.</summary>
    ValueTask<string> GetLogsAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pauses a queue for every worker (MRQ's <c>Queue(q).pause()</c>): its jobs stay queued until it is resumed.
    /// Pausing <c>x</c> or <c>x/</c> also pauses the subqueues <c>x/...</c>. Workers notice within their
    /// <c>paused_queues_refresh_interval</c> (10 s by default).
    /// </summary>
    ValueTask PauseQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused queue (<c>x/</c> resumes <c>x</c> and its subqueues).</summary>
    ValueTask ResumeQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>The paused queues.</summary>
    ValueTask<IReadOnlyList<string>> GetPausedQueuesAsync(CancellationToken cancellationToken = default);
}
