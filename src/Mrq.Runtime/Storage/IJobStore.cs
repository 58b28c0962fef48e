namespace Mrq.Storage;

/// <summary>
/// The durable job store port: regular queues and every job's document. Adapters: the embedded SQLite file
/// (<see cref="Sqlite.SqliteJobStore"/>) and MongoDB (package Mrq.MongoDB). Every method that touches many jobs does so in one round trip
/// (or one transaction) per call, never one per job. Dates are kept to the millisecond (rounded down, as MongoDB does)
/// and read back as UTC; a <see cref="DateTimeKind.Unspecified"/> date is taken as UTC.
/// </summary>
internal interface IJobStore : IAsyncDisposable
{
    /// <summary>
    /// Inserts jobs with status <c>queued</c>, in bulk. Atomic per chunk: an adapter may split a large call into chunks
    /// of thousands of jobs (SQLite: 10,000) so that claims interleave; when a call fails, earlier chunks may stay.
    /// </summary>
    ValueTask EnqueueAsync(ReadOnlyMemory<NewJob> jobs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically moves up to <paramref name="max"/> of the oldest queued jobs of <paramref name="queue"/> (FIFO by
    /// datequeued, then id) to <c>started</c> for <paramref name="workerId"/> and appends them to <paramref name="into"/>
    /// in FIFO order. A job is never handed to two claimers. Returns how many were claimed.
    /// </summary>
    ValueTask<int> ClaimAsync(string queue, int max, string workerId, List<ClaimedJob> into, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="ClaimAsync(string, int, string, List{ClaimedJob}, CancellationToken)"/> with <paramref name="options"/>:
    /// newest first and/or only some task paths. The claimed jobs are appended in the order they were chosen (newest
    /// first for <see cref="ClaimOptions.NewestFirst"/>).
    /// </summary>
    ValueTask<int> ClaimAsync(string queue, int max, string workerId, ClaimOptions options, List<ClaimedJob> into, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes final statuses (and results, tracebacks, expiry) of many jobs in one transaction. Each outcome overwrites
    /// status, dateupdated, result, exceptiontype, traceback, dateexpires and totaltime (null clears the field); ids
    /// that match no job are ignored. An outcome carrying a <see cref="JobOutcome.Document"/> (a job that was never
    /// stored, from a raw queue with <c>statuses_no_storage</c>) inserts that whole document instead.
    /// </summary>
    ValueTask CompleteAsync(ReadOnlyMemory<JobOutcome> outcomes, CancellationToken cancellationToken = default);

    /// <summary>
    /// A busy worker's one store call per cycle: writes <paramref name="outcomes"/> exactly as
    /// <see cref="CompleteAsync"/> does, then claims exactly as
    /// <see cref="ClaimAsync(string, int, string, ClaimOptions, List{ClaimedJob}, CancellationToken)"/> does. SQLite does
    /// both in one transaction (when the call fails, neither happened); MongoDB writes the outcomes first, then claims,
    /// so after a failure the outcomes may be written already (writing them again changes nothing).
    /// </summary>
    ValueTask<int> CompleteAndClaimAsync(ReadOnlyMemory<JobOutcome> outcomes, string queue, int max, string workerId, ClaimOptions options, List<ClaimedJob> into, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="CompleteAsync"/> then <see cref="InsertAsync"/> in one call (one transaction on SQLite): a raw queue's
    /// cycle, which stores the jobs it just made as <c>started</c> along with the outcomes of the jobs that ended.
    /// </summary>
    ValueTask CompleteAndInsertAsync(ReadOnlyMemory<JobOutcome> outcomes, ReadOnlyMemory<JobInfo> documents, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts whole job documents (any status) in one transaction, replacing a document with the same id: jobs made
    /// from raw queues, stored as <c>started</c> at dequeue, and failures of raw params the job factory rejected.
    /// </summary>
    ValueTask InsertAsync(ReadOnlyMemory<JobInfo> documents, CancellationToken cancellationToken = default);

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

    /// <summary>Requeues <c>retry</c> jobs whose due date has passed, keeping their retry count. Returns how many.</summary>
    ValueTask<long> RequeueDueRetriesAsync(DateTime now, CancellationToken cancellationToken = default);

    /// <summary>Deletes jobs (and their logs) whose <c>dateexpires</c> has passed. Returns how many.</summary>
    ValueTask<long> PurgeExpiredAsync(DateTime now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Among <paramref name="ids"/> (jobs <paramref name="workerId"/> is running), those no longer <c>started</c> by that
    /// worker: cancelled, requeued, or purged while they ran. One round trip.
    /// </summary>
    ValueTask<IReadOnlyList<JobId>> FindLostClaimsAsync(IReadOnlyList<JobId> ids, string workerId, CancellationToken cancellationToken = default);

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

    /// <summary>Inserts or replaces a worker's report (MRQ's <c>mrq_workers</c> document, keyed by the worker id).</summary>
    ValueTask ReportWorkerAsync(Worker.WorkerReport report, CancellationToken cancellationToken = default);

    /// <summary>Every stored worker report, live or not.</summary>
    ValueTask<IReadOnlyList<Worker.WorkerReport>> GetWorkersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the reports of workers silent since before <paramref name="before"/> (MRQ's one-hour TTL on
    /// <c>datereported</c>). Returns how many.
    /// </summary>
    ValueTask<long> DeleteWorkersReportedBeforeAsync(DateTime before, CancellationToken cancellationToken = default);

    /// <summary>Every job in status <c>started</c>, with its worker and start date (one round trip).</summary>
    ValueTask<IReadOnlyList<StartedJob>> GetStartedJobsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Requeues, at the end of their queue and keeping their retry count, those of <paramref name="jobs"/> that are still
    /// <c>started</c> by the same worker (a job that ended or was claimed again meanwhile is left alone). Returns how many.
    /// </summary>
    ValueTask<long> RequeueStartedAsync(IReadOnlyList<StartedJob> jobs, DateTime now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Brings the stored schedule (MRQ's <c>mrq_scheduled_jobs</c>) in line with <paramref name="configured"/> in one
    /// transaction: entries whose hash is no longer configured are deleted, new ones inserted with their
    /// <see cref="ScheduledJob.DateLastQueued"/>, unchanged ones keep their state. Returns the stored entries.
    /// </summary>
    ValueTask<IReadOnlyList<ScheduledJob>> SyncScheduledJobsAsync(IReadOnlyList<ScheduledJob> configured, CancellationToken cancellationToken = default);

    /// <summary>Every stored schedule entry.</summary>
    ValueTask<IReadOnlyList<ScheduledJob>> GetScheduledJobsAsync(CancellationToken cancellationToken = default);

    /// <summary>Records when a schedule entry last enqueued its job.</summary>
    ValueTask SetScheduledJobQueuedAsync(string hash, DateTime dateLastQueued, CancellationToken cancellationToken = default);
}
