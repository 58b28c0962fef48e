using Mrq.Infrastructure;

namespace Mrq.Storage;

/// <summary>
/// A job a worker took (now <c>started</c>), with what it needs to run it. Jobs from raw queues carry their queue's
/// <see cref="RawQueueDescriptor"/>; <see cref="Stored"/> is false when <c>started</c> is one of its
/// <c>statuses_no_storage</c>, so the job exists nowhere but in the worker until it ends. <see cref="TraceParent"/> and
/// <see cref="TraceState"/> are the W3C trace context stored at enqueue (none for raw queues).
/// </summary>
/// <param name="Id">The job's id.</param>
/// <param name="Path">The task path, which names the task to run.</param>
/// <param name="Queue">The queue the job was claimed from.</param>
/// <param name="Params">The job's params, MessagePack-encoded.</param>
/// <param name="RetryCount">How many times the job was retried before this run.</param>
/// <param name="DateQueued">When the job was queued.</param>
/// <param name="DateStarted">When the claim started it.</param>
/// <param name="RawQueue">The raw queue the job was made from, or null for a regular queue.</param>
/// <param name="Raw">The raw queue's descriptor (its job factory and options), or null.</param>
/// <param name="Stored">False when the job is kept only in the worker until it ends (<c>statuses_no_storage</c>).</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> stored at enqueue, or null.</param>
/// <param name="TraceState">The W3C <c>tracestate</c> stored at enqueue, or null.</param>
public sealed record ClaimedJob(
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
