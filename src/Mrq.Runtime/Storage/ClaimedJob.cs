using Mrq.Infrastructure;

namespace Mrq.Storage;

/// <summary>
/// A job a worker took (now <c>started</c>), with what it needs to run it. Jobs from raw queues carry their queue's
/// <see cref="RawQueueDescriptor"/>; <see cref="Stored"/> is false when <c>started</c> is one of its
/// <c>statuses_no_storage</c>, so the job exists nowhere but in the worker until it ends. <see cref="TraceParent"/> and
/// <see cref="TraceState"/> are the W3C trace context stored at enqueue (none for raw queues).
/// </summary>
internal sealed record ClaimedJob(
    JobId Id,
    string Path,
    string Queue,
    ReadOnlyMemory<byte> Params,
    int RetryCount,
    DateTime DateQueued,
    DateTime DateStarted,
    string? RawQueue = null,
    RawQueueDescriptor? Raw = null,
    bool Stored = true,
    string? TraceParent = null,
    string? TraceState = null);
