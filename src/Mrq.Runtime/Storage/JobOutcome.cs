namespace Mrq.Storage;

/// <summary>
/// The final status of one run: <c>success</c> with its result, or a failure status with the exception type and full
/// traceback. Written by <see cref="IJobStore.CompleteAsync"/>. <see cref="Document"/> is set for a job that was never
/// stored (raw queues with <c>statuses_no_storage</c>): the store then inserts that whole document.
/// </summary>
internal readonly record struct JobOutcome(
    JobId Id,
    JobStatus Status,
    DateTime DateUpdated,
    ReadOnlyMemory<byte>? Result = null,
    string? ExceptionType = null,
    string? Traceback = null,
    DateTime? DateExpires = null,
    double? TotalTime = null,
    JobInfo? Document = null);
