namespace Mrq;

/// <summary>
/// The base of the exceptions a task throws (through <see cref="JobContext"/>) to end its job with a status other than
/// <c>success</c> or <c>failed</c>. Don't catch these in task code: let them reach the worker.
/// </summary>
public abstract class JobInterruptException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected JobInterruptException(string message, Exception? cause)
        : base(message, cause)
    {
    }

    /// <summary>The status the job ends with.</summary>
    public abstract JobStatus Status { get; }
}

/// <summary>Thrown by <see cref="JobContext.Retry"/>: the job ends <c>retry</c> (or is requeued at once for a zero delay).</summary>
public sealed class JobRetryException : JobInterruptException
{
    internal JobRetryException(TimeSpan? delay, int? maxRetries, string? queue, Exception? cause)
        : base(cause is null ? "The task asked to be retried." : "The task asked to be retried after: " + cause.Message, cause)
    {
        Delay = delay;
        MaxRetries = maxRetries;
        Queue = queue;
    }

    /// <summary>The requested delay, or null for the task's configured retry delay.</summary>
    public TimeSpan? Delay { get; }

    /// <summary>The requested maximum number of retries, or null for the task's configured one.</summary>
    public int? MaxRetries { get; }

    /// <summary>The queue to retry on, or null for the job's queue.</summary>
    public string? Queue { get; }

    /// <inheritdoc/>
    public override JobStatus Status => JobStatus.Retry;
}

/// <summary>Thrown by <see cref="JobContext.Abort"/>: the job ends <c>abort</c> and is not retried.</summary>
public sealed class JobAbortException : JobInterruptException
{
    internal JobAbortException(Exception? cause)
        : base(cause is null ? "The task aborted the job." : "The task aborted the job after: " + cause.Message, cause)
    {
    }

    /// <inheritdoc/>
    public override JobStatus Status => JobStatus.Abort;
}
