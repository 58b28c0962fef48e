namespace Mrq.Storage;

/// <summary>
/// The durable job store port: regular queues and every job's document. Adapters: the embedded SQLite file
/// (<see cref="Sqlite.SqliteJobStore"/>) and MongoDB. Every method that touches many jobs does so in one round trip
/// (or one transaction) per call, never one per job.
/// </summary>
internal interface IJobStore : IAsyncDisposable
{
    /// <summary>Inserts jobs with status <c>queued</c>, in bulk, atomically per call.</summary>
    ValueTask EnqueueAsync(ReadOnlyMemory<NewJob> jobs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically moves up to <paramref name="max"/> of the oldest queued jobs of <paramref name="queue"/> (FIFO by
    /// datequeued, then id) to <c>started</c> for <paramref name="workerId"/> and appends them to <paramref name="into"/>
    /// in FIFO order. A job is never handed to two claimers. Returns how many were claimed.
    /// </summary>
    ValueTask<int> ClaimAsync(string queue, int max, string workerId, List<ClaimedJob> into, CancellationToken cancellationToken = default);

    /// <summary>Writes final statuses (and results, tracebacks, expiry) of many jobs in one transaction.</summary>
    ValueTask CompleteAsync(ReadOnlyMemory<JobOutcome> outcomes, CancellationToken cancellationToken = default);

    /// <summary>Reads one job, or null.</summary>
    ValueTask<JobInfo?> GetAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>Counts the jobs of <paramref name="queue"/> with <paramref name="status"/>.</summary>
    ValueTask<long> CountAsync(string queue, JobStatus status, CancellationToken cancellationToken = default);
}
