namespace Mrq;

/// <summary>One entry of a job's <c>traceback_history</c>: a failure-like status with its exception.</summary>
public sealed record TracebackEntry
{
    /// <summary>When the status was set, UTC.</summary>
    public required DateTime Date { get; init; }

    /// <summary>The status set.</summary>
    public required JobStatus Status { get; init; }

    /// <summary>The exception's type name.</summary>
    public string? ExceptionType { get; init; }

    /// <summary>The exception with its stack trace.</summary>
    public string? Traceback { get; init; }

    /// <summary>The exception that caused a retry or abort, when the task passed one.</summary>
    public string? OriginalTraceback { get; init; }

    /// <summary>The worker that ran the job.</summary>
    public string? Worker { get; init; }
}
