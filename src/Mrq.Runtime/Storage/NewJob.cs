namespace Mrq.Storage;

/// <summary>
/// A job about to be inserted as <c>queued</c>, or as <c>retry</c> until <see cref="DateRetry"/> when it is delayed.
/// <see cref="TraceParent"/> and <see cref="TraceState"/> are the W3C trace context of the code that enqueued it (null
/// when none was traced), restored when the job runs.
/// </summary>
/// <param name="Id">The job's id (it also orders jobs queued in the same millisecond).</param>
/// <param name="Path">The task path.</param>
/// <param name="Queue">The queue to insert the job into.</param>
/// <param name="Params">The job's params, MessagePack-encoded.</param>
/// <param name="DateQueued">When the job was queued; claims take the oldest first.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the enqueuing code, or null.</param>
/// <param name="TraceState">The W3C <c>tracestate</c> of the enqueuing code, or null.</param>
/// <param name="DateRetry">
/// Null for a job to run now; otherwise the job is stored in status <c>retry</c> with this <c>dateretry</c>, and queued
/// when it is due (<see cref="IJobMaintenance.RequeueDueRetriesAsync"/>), as MRQ does for a retry with a delay.
/// </param>
public readonly record struct NewJob(JobId Id, string Path, string Queue, ReadOnlyMemory<byte> Params, DateTime DateQueued, string? TraceParent = null, string? TraceState = null, DateTime? DateRetry = null);
