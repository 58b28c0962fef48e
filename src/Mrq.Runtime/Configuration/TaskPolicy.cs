namespace Mrq.Configuration;

/// <summary>The options a worker applies to a task's jobs: config (<c>TASKS</c>) over attribute over MRQ's defaults.</summary>
internal sealed record TaskPolicy(
    int Timeout,
    int MaxRetries,
    int RetryDelay,
    int ResultTtl,
    int AbortTtl,
    int CancelTtl,
    int DefaultTtl,
    int MaxConcurrency,
    string? Queue);
