namespace Mrq.Configuration;

/// <summary>
/// The options a worker applies to a task's jobs, one value per <see cref="TaskOption"/>: config (<c>TASKS</c>) over
/// attribute over the configured defaults (<see cref="TaskPolicies"/>).
/// </summary>
internal sealed class TaskPolicy
{
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
}
