namespace Mrq.Storage;

/// <summary>
/// Reads and actions on stored jobs by id or by filter: what the client, the admin commands and running tasks call
/// (read a job and its logs, cancel, requeue, report progress, count a queue, list the known queues). The dashboard's
/// paged reads and aggregates are <see cref="Queries.IJobQueries"/>.
/// </summary>
public interface IJobActions
{
    /// <summary>Reads one job, or null.</summary>
    ValueTask<JobInfo?> GetAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels the queued, started and retry jobs <paramref name="filter"/> selects: status <c>cancel</c>, expiring at
    /// <paramref name="dateExpires"/>. Returns how many were cancelled. An empty filter cancels nothing.
    /// </summary>
    ValueTask<long> CancelAsync(JobFilter filter, DateTime now, DateTime dateExpires, CancellationToken cancellationToken = default);

    /// <summary>
    /// Requeues the jobs <paramref name="filter"/> selects, whatever their status, at the end of their queue (or of
    /// <paramref name="destinationQueue"/>), with the retry count reset unless <paramref name="keepRetryCount"/>.
    /// Returns how many were requeued.
    /// </summary>
    ValueTask<long> RequeueAsync(JobFilter filter, string? destinationQueue, bool keepRetryCount, DateTime now, CancellationToken cancellationToken = default);

    /// <summary>Records a running job's progress (0 to 1).</summary>
    ValueTask SetProgressAsync(JobId id, double progress, CancellationToken cancellationToken = default);

    /// <summary>The log lines stored for a job, oldest first (empty when none).</summary>
    ValueTask<string> GetLogsAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>Counts the jobs of <paramref name="queue"/> with <paramref name="status"/>.</summary>
    ValueTask<long> CountAsync(string queue, JobStatus status, CancellationToken cancellationToken = default);

    /// <summary>
    /// The distinct queues of the stored jobs (any status) whose name starts with <paramref name="prefix"/>, in ordinal
    /// order: MRQ's known queues, from which a worker listening to <c>x/</c> finds the subqueues <c>x/...</c>.
    /// </summary>
    ValueTask<IReadOnlyList<string>> GetQueuesAsync(string prefix, CancellationToken cancellationToken = default);
}
