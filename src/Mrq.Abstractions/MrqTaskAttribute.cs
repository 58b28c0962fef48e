namespace Mrq;

/// <summary>
/// Marks a class as an Mrq task. The class must have exactly one public <c>Run</c> or <c>RunAsync</c> method;
/// its parameters (other than an optional <see cref="JobContext"/> and <see cref="System.Threading.CancellationToken"/>)
/// are the job's params and its return value is the job's result.
/// </summary>
/// <remarks>
/// The source generator turns every marked class into a typed façade (<c>Tasks.&lt;Name&gt;.Enqueue(...)</c>),
/// an entry in the dispatch table the worker uses, and params/result serializers. Nothing is discovered by reflection.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MrqTaskAttribute : Attribute
{
    /// <summary>The stable task path stored with each job. Defaults to the class's namespace-qualified name.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// The regular queue used when a job is enqueued without naming one. Defaults to <c>default</c>. Must be a valid
    /// queue name (MRQ008) and not a raw queue name (MRQ009).
    /// </summary>
    public string? Queue { get; set; }

    /// <summary>
    /// Seconds a job may run before it is stopped with status <c>timeout</c>. Unset (0) means the configured default
    /// (3600); when set, it must be positive (MRQ006).
    /// </summary>
    public int Timeout { get; set; }

    /// <summary>How many times a job may be retried before it ends <c>maxretries</c>. -1 means the configured default (3).</summary>
    public int MaxRetries { get; set; } = -1;

    /// <summary>Seconds before a retried job runs again. -1 means the configured default (3).</summary>
    public int RetryDelay { get; set; } = -1;

    /// <summary>Seconds a <c>success</c> job is kept. 0 means the configured default (7 days).</summary>
    public int ResultTtl { get; set; }

    /// <summary>Seconds an <c>abort</c> job is kept. 0 means the configured default (1 day).</summary>
    public int AbortTtl { get; set; }

    /// <summary>Seconds a <c>cancel</c> job is kept. 0 means the configured default (1 day).</summary>
    public int CancelTtl { get; set; }

    /// <summary>
    /// Seconds a job in any other final status is kept. 0 means the configured default (180 days). This and the other
    /// TTLs must be between 0 and 10 years (MRQ006).
    /// </summary>
    public int DefaultTtl { get; set; }

    /// <summary>How many jobs of this task may run at once across all workers. 0 means unlimited.</summary>
    public int MaxConcurrency { get; set; }

    /// <summary>
    /// Whether a job whose <c>Run</c> throws is retried, as if it had called <c>context.Retry(cause: exception)</c>:
    /// status <c>retry</c> for <see cref="RetryDelay"/> seconds, up to <see cref="MaxRetries"/> times, then <c>failed</c>
    /// with its last exception. Not given: the configured default (<c>default_job_retry_on_failure</c>, off, as in MRQ).
    /// </summary>
    public bool RetryOnFailure { get; set; }

    /// <summary>
    /// Whether each retry waits twice as long as the one before: <see cref="RetryDelay"/> seconds before the first, then
    /// 2×, 4×, … (at most one day, or <see cref="RetryDelay"/> if longer), each stretched by up to 10% at random so that
    /// jobs that failed together do not all run again at the same moment. Applies to retries on failure and to
    /// <c>context.Retry</c> calls that give no delay. Not given: the configured default (<c>default_job_retry_backoff</c>,
    /// off: every retry waits <see cref="RetryDelay"/>, as in MRQ).
    /// </summary>
    public bool RetryBackoff { get; set; }
}
