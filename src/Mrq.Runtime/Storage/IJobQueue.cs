namespace Mrq.Storage;

/// <summary>
/// The job queue role of a job store: what producers and the worker's hot path call. Enqueue in bulk; claim queued jobs
/// (a job is never handed to two claimers); write the outcomes of finished jobs, alone or together with the next claim
/// as one unit of work (<see cref="CompleteAndClaimAsync"/>), so a busy worker makes one store call per cycle.
/// </summary>
/// <remarks>
/// Every method that touches many jobs does so in one round trip (or one transaction) per call, never one per job.
/// Dates are kept to the millisecond (rounded down, as MongoDB does) and read back as UTC; a
/// <see cref="DateTimeKind.Unspecified"/> date is taken as UTC. The conformance suite of the Mrq.Testing package checks
/// all of this for an adapter.
/// </remarks>
public interface IJobQueue
{
    /// <summary>
    /// Inserts jobs with status <c>queued</c>, in bulk; a job with <see cref="NewJob.DateRetry"/> is inserted with status
    /// <c>retry</c> and that <c>dateretry</c> instead (a delayed job). Atomic per chunk: an adapter may split a large call
    /// into chunks of thousands of jobs (SQLite: 10,000) so that claims interleave; when a call fails, earlier chunks may
    /// stay.
    /// </summary>
    ValueTask EnqueueAsync(ReadOnlyMemory<NewJob> jobs, CancellationToken cancellationToken = default);

    // Two overloads with an optional token (RS0026): the signatures predate the public API and other code calls both.
#pragma warning disable RS0026
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
#pragma warning restore RS0026

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
}
