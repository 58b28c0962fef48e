namespace Mrq;

/// <summary>
/// What a running job knows about itself. Declare a <see cref="JobContext"/> parameter on a task's <c>Run</c> method to
/// receive it; it is not one of the job's params.
/// </summary>
public abstract class JobContext
{
    /// <summary>The job's id.</summary>
    public abstract JobId Id { get; }

    /// <summary>The task path.</summary>
    public abstract string Path { get; }

    /// <summary>The queue the job was dequeued from.</summary>
    public abstract string Queue { get; }

    /// <summary>How many times the job was retried before this run.</summary>
    public abstract int RetryCount { get; }

    /// <summary>Cancelled when the job times out, is cancelled or the worker is stopped forcibly.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>The services of the job's scope, from which task constructor dependencies are resolved.</summary>
    public abstract IServiceProvider Services { get; }
}
