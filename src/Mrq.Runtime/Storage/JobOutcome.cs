namespace Mrq.Storage;

/// <summary>
/// The end of one run, written by <see cref="IJobQueue.CompleteAsync"/>: a final status (<c>success</c> with its result,
/// or a failure-like status with the exception type and traceback, appended to the job's history), or <c>queued</c> /
/// <c>retry</c> with the queue, retry count and due date of the next run.
/// </summary>
/// <remarks>
/// <para><see cref="Worker"/> guards the write: when set, the outcome applies only if the job is still <c>started</c> by
/// that worker, so a job cancelled or requeued while it ran keeps its new status.</para>
/// <para><see cref="Document"/> is set for a job that was never stored (raw queues with <c>statuses_no_storage</c>):
/// the store then inserts that whole document instead.</para>
/// </remarks>
/// <param name="Id">The job's id.</param>
/// <param name="Status">The job's new status.</param>
/// <param name="DateUpdated">When the run ended.</param>
/// <param name="Result">The task's result, MessagePack-encoded, for <c>success</c>; null clears it.</param>
/// <param name="ExceptionType">The full name of the exception a failed run threw; null clears it.</param>
/// <param name="Traceback">The exception's text (type, message, stack) of a failed run; null clears it.</param>
/// <param name="DateExpires">When the job may be purged; null keeps it forever.</param>
/// <param name="TotalTime">The run's duration in seconds.</param>
/// <param name="Document">The whole document to insert for a job that was never stored, or null.</param>
public readonly record struct JobOutcome(
    JobId Id,
    JobStatus Status,
    DateTime DateUpdated,
    ReadOnlyMemory<byte>? Result = null,
    string? ExceptionType = null,
    string? Traceback = null,
    DateTime? DateExpires = null,
    double? TotalTime = null,
    JobInfo? Document = null)
{
    /// <summary>When set, the write applies only while the job is <c>started</c> by this worker.</summary>
    public string? Worker { get; init; }

    /// <summary>The queue of the next run (retries may move a job); null keeps it.</summary>
    public string? Queue { get; init; }

    /// <summary>The new retry count; null keeps it.</summary>
    public int? RetryCount { get; init; }

    /// <summary>When a <c>retry</c> job becomes due.</summary>
    public DateTime? DateRetry { get; init; }

    /// <summary>The new queued date (a retry with no delay goes to the end of its queue); null keeps it.</summary>
    public DateTime? DateQueued { get; init; }

    /// <summary>The traceback of the exception that caused a retry or abort, for the history entry.</summary>
    public string? OriginalTraceback { get; init; }

    /// <summary>Log lines the task wrote through its job logger, appended to the job's logs.</summary>
    public string? Logs { get; init; }
}
