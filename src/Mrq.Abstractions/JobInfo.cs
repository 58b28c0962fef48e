namespace Mrq;

/// <summary>A job as a store holds it, with MRQ's field names in mind (<c>datequeued</c>, <c>traceback</c>, …).</summary>
public sealed record JobInfo
{
    /// <summary>The job's id.</summary>
    public required JobId Id { get; init; }

    /// <summary>The task path.</summary>
    public required string Path { get; init; }

    /// <summary>The (regular) queue the job belongs to.</summary>
    public required string Queue { get; init; }

    /// <summary>The current status.</summary>
    public required JobStatus Status { get; init; }

    /// <summary>The params, a MessagePack map.</summary>
    public ReadOnlyMemory<byte> Params { get; init; }

    /// <summary>The MessagePack-serialized result of a <c>success</c> job, or null when it returned nothing.</summary>
    public ReadOnlyMemory<byte>? Result { get; init; }

    /// <summary>The exception's type name for failure statuses.</summary>
    public string? ExceptionType { get; init; }

    /// <summary>The full exception text with its stack trace for failure statuses.</summary>
    public string? Traceback { get; init; }

    /// <summary>When the job was (last) queued, UTC.</summary>
    public DateTime? DateQueued { get; init; }

    /// <summary>When the job was (last) started, UTC.</summary>
    public DateTime? DateStarted { get; init; }

    /// <summary>When the status last changed, UTC.</summary>
    public DateTime? DateUpdated { get; init; }

    /// <summary>When the job may be purged, UTC.</summary>
    public DateTime? DateExpires { get; init; }

    /// <summary>The id of the worker that ran (or runs) the job.</summary>
    public string? Worker { get; init; }

    /// <summary>How many times the job was retried.</summary>
    public int RetryCount { get; init; }

    /// <summary>Seconds between start and the final status.</summary>
    public double? TotalTime { get; init; }

    /// <summary>The raw queue the job came from, if any.</summary>
    public string? RawQueue { get; init; }

    /// <summary>When a <c>retry</c> job becomes due again, UTC.</summary>
    public DateTime? DateRetry { get; init; }

    /// <summary>The progress the task reported, 0 to 1 (1 on success once any progress was reported).</summary>
    public double? Progress { get; init; }

    /// <summary>Every failure-like status the job went through, oldest first.</summary>
    public IReadOnlyList<TracebackEntry> TracebackHistory { get; init; } = [];
}
