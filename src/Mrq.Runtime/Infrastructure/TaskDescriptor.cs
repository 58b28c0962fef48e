using System.ComponentModel;

namespace Mrq.Infrastructure;

/// <summary>
/// One entry of the dispatch table: a task path, its invoker and the options given on its <see cref="MrqTaskAttribute"/>.
/// Generated per task; not for hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TaskDescriptor
{
    /// <summary>The stable task path.</summary>
    public required string Path { get; init; }

    /// <summary>The queue used when none is named at enqueue time.</summary>
    public required string DefaultQueue { get; init; }

    /// <summary>Runs one job of the task.</summary>
    public required TaskInvoker Invoke { get; init; }

    /// <summary>Timeout in seconds (0: configured default).</summary>
    public int Timeout { get; init; }

    /// <summary>Max retries (-1: configured default).</summary>
    public int MaxRetries { get; init; } = -1;

    /// <summary>Retry delay in seconds (-1: configured default).</summary>
    public int RetryDelay { get; init; } = -1;

    /// <summary>Success TTL in seconds (0: configured default).</summary>
    public int ResultTtl { get; init; }

    /// <summary>Abort TTL in seconds (0: configured default).</summary>
    public int AbortTtl { get; init; }

    /// <summary>Cancel TTL in seconds (0: configured default).</summary>
    public int CancelTtl { get; init; }

    /// <summary>TTL of other final statuses in seconds (0: configured default).</summary>
    public int DefaultTtl { get; init; }

    /// <summary>Jobs of this task allowed to run at once across workers (0: unlimited).</summary>
    public int MaxConcurrency { get; init; }
}
