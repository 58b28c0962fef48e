namespace Mrq.Storage;

/// <summary>
/// A job about to be inserted as <c>queued</c>. <see cref="TraceParent"/> and <see cref="TraceState"/> are the W3C trace
/// context of the code that enqueued it (null when none was traced), restored when the job runs.
/// </summary>
internal readonly record struct NewJob(JobId Id, string Path, string Queue, ReadOnlyMemory<byte> Params, DateTime DateQueued, string? TraceParent = null, string? TraceState = null);
