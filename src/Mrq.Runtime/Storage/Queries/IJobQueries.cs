namespace Mrq.Storage.Queries;

/// <summary>
/// What the dashboard reads from a job store (one of the job store's roles): pages of jobs by filter, capped counts,
/// aggregates and a cursor over a job's logs. Adapters: the embedded SQLite store and MongoDB's store (Mrq.MongoDB). A page or a count reads a bounded number of index entries; the aggregates read
/// every job (as MRQ's dashboard does) and are meant to be cached by the caller.
/// </summary>
/// <remarks>
/// A <see cref="JobFilter"/> here selects as in bulk actions, except that an empty filter selects every job, and a queue
/// ending in <c>/</c> (<c>x/</c>) selects the queue <c>x</c> and its subqueues <c>x/...</c>.
/// </remarks>
public interface IJobQueries
{
    /// <summary>
    /// Up to <paramref name="limit"/> jobs that <paramref name="filter"/> selects, newest stored first, after skipping
    /// <paramref name="skip"/> of them.
    /// </summary>
    ValueTask<IReadOnlyList<JobInfo>> FindJobsAsync(JobFilter filter, int skip, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many jobs <paramref name="filter"/> selects, counting no further than <paramref name="cap"/> (a result equal to
    /// the cap means "at least that many").
    /// </summary>
    ValueTask<long> CountJobsAsync(JobFilter filter, long cap, CancellationToken cancellationToken = default);

    /// <summary>Jobs per queue and status (every job read once).</summary>
    ValueTask<IReadOnlyList<JobGroupCount>> CountByQueueAndStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Jobs made from raw queues, per raw queue and status (every job read once).</summary>
    ValueTask<IReadOnlyList<JobGroupCount>> CountByRawQueueAndStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Jobs per task path and status (every job read once).</summary>
    ValueTask<IReadOnlyList<JobGroupCount>> CountByPathAndStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Jobs with an exception type, per task path and exception type (MRQ's task exceptions view).</summary>
    ValueTask<IReadOnlyList<JobGroupCount>> CountExceptionsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The log lines of a job stored after <paramref name="afterCursor"/> (0: from the start), and the cursor to pass
    /// next time (unchanged when there is nothing new).
    /// </summary>
    ValueTask<JobLogsChunk> ReadLogsAsync(JobId id, string? afterCursor, CancellationToken cancellationToken = default);
}
