namespace Mrq.Configuration;

/// <summary>
/// The options a worker applies to a task's jobs, one value per <see cref="TaskOption"/>: config (<c>TASKS</c>) over
/// attribute over the configured defaults (<see cref="TaskPolicies"/>).
/// </summary>
internal sealed class TaskPolicy
{
    /// <summary>The longest delay doubling reaches, unless <see cref="RetryDelay"/> is longer: one day.</summary>
    private const int BackoffCapSeconds = 24 * 60 * 60;

    private readonly int[] _values;

    /// <summary>A policy of <paramref name="values"/>, by <see cref="TaskOption.Index"/>.</summary>
    public TaskPolicy(int[] values, string? queue)
    {
        _values = values;
        Queue = queue;
    }

    /// <summary>The value of <paramref name="option"/>.</summary>
    public int this[TaskOption option] => _values[option.Index];

    /// <summary>The queue the config file's <c>TASKS</c> entry sends the task's jobs to, or null.</summary>
    public string? Queue { get; }

    // Shortcuts for the options the engine reads; an option needs none to be applied (read it with the indexer).
    public int Timeout => this[TaskOption.Timeout];

    public int MaxRetries => this[TaskOption.MaxRetries];

    public int RetryDelay => this[TaskOption.RetryDelay];

    public int ResultTtl => this[TaskOption.ResultTtl];

    public int AbortTtl => this[TaskOption.AbortTtl];

    public int CancelTtl => this[TaskOption.CancelTtl];

    public int DefaultTtl => this[TaskOption.DefaultTtl];

    public int MaxConcurrency => this[TaskOption.MaxConcurrency];

    public bool RetryOnFailure => this[TaskOption.RetryOnFailure] > 0;

    public bool RetryBackoff => this[TaskOption.RetryBackoff] > 0;

    /// <summary>
    /// How long a job that has been retried <paramref name="retryCount"/> times waits before its next run when its retry
    /// names no delay: <see cref="RetryDelay"/>, or with <see cref="RetryBackoff"/> that doubled per retry already made.
    /// </summary>
    /// <param name="retryCount">The retries the job has had before this one.</param>
    /// <param name="jitter">A number in [0, 1) that stretches a backed-off delay by up to 10%.</param>
    public TimeSpan RetryDelayAfter(int retryCount, double jitter)
    {
        var delay = RetryDelay;
        if (!RetryBackoff || delay == 0)
        {
            return TimeSpan.FromSeconds(delay);
        }

        // Doubling stops at a day (or the delay itself, if longer): past it a retry is no longer about a blip, and 2^k overflows.
        var cap = Math.Max(delay, BackoffCapSeconds);
        var seconds = Math.Min(cap, delay * Math.Pow(2, Math.Clamp(retryCount, 0, 62)));
        return TimeSpan.FromSeconds(seconds * (1 + (0.1 * jitter)));
    }
}
