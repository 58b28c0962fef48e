namespace Mrq.Storage.Queries;

/// <summary>
/// What the dashboard reads from a job store (one of the job store's roles): pages of jobs by filter, counts,
/// aggregates and a cursor over a job's logs. Adapters: the embedded SQLite store and MongoDB's store (Mrq.MongoDB). A
/// page or a count reads a bounded number of index entries or jobs; the aggregates are read from counts the embedded
/// store keeps, and from an index on MongoDB, and are meant to be cached by the caller.
/// </summary>
/// <remarks>
/// A <see cref="JobFilter"/> here selects as in bulk actions, except that an empty filter selects every job, and a queue
/// ending in <c>/</c> (<c>x/</c>) selects the queue <c>x</c> and its subqueues <c>x/...</c>.
/// </remarks>
public interface IJobQueries
{
    /// <summary>
    /// Up to <paramref name="limit"/> jobs that <paramref name="filter"/> selects, newest stored first, after the cursor
    /// <paramref name="after"/> (a <see cref="JobPage.Next"/> of this store; null: from the newest) and after skipping
    /// <paramref name="skip"/> of them. A call reads a bounded number of jobs whatever the store holds: a filter no index
    /// serves may return a <see cref="JobPage.Partial"/> page.
    /// </summary>
    ValueTask<JobPage> FindJobsAsync(JobFilter filter, string? after, int skip, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many jobs <paramref name="filter"/> selects: exact when the store keeps that count (filters on queue, path,
    /// raw queue and status), otherwise counted no further than <paramref name="cap"/> matches and the store's bound on
    /// the jobs it reads (then a lower bound).
    /// </summary>
    ValueTask<JobCount> CountJobsAsync(JobFilter filter, long cap, CancellationToken cancellationToken = default);

    /// <summary>Jobs per queue and status.</summary>
    ValueTask<IReadOnlyList<JobGroupCount>> CountByQueueAndStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Jobs made from raw queues, per raw queue and status.</summary>
    ValueTask<IReadOnlyList<JobGroupCount>> CountByRawQueueAndStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Jobs per task path and status.</summary>
    ValueTask<IReadOnlyList<JobGroupCount>> CountByPathAndStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Jobs with an exception type, per task path and exception type (MRQ's task exceptions view).</summary>
    ValueTask<IReadOnlyList<JobGroupCount>> CountExceptionsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The log lines of a job stored after <paramref name="afterCursor"/> (0: from the start), and the cursor to pass
    /// next time (unchanged when there is nothing new).
    /// </summary>
    ValueTask<JobLogsChunk> ReadLogsAsync(JobId id, string? afterCursor, CancellationToken cancellationToken = default);
}
