namespace Mrq.Storage;

/// <summary>
/// How a worker claims from a regular queue beyond plain FIFO: newest first (MRQ's <c>&lt;queue&gt;_reverse</c>), and
/// only some task paths (MRQ's <c>task_whitelist</c>) or all but some (<c>task_blacklist</c>, ignored when a
/// whitelist is given). Jobs the paths exclude stay <c>queued</c>.
/// </summary>
public sealed record ClaimOptions
{
    /// <summary>Plain FIFO, every path.</summary>
    public static readonly ClaimOptions Fifo = new();

    /// <summary>LIFO: the newest job (by datequeued, then id) first.</summary>
    public bool NewestFirst { get; init; }

    /// <summary>When set, only jobs of these task paths are claimed.</summary>
    public IReadOnlyList<string>? OnlyPaths { get; init; }

    /// <summary>When set (and <see cref="OnlyPaths"/> is not), jobs of these task paths are not claimed.</summary>
    public IReadOnlyList<string>? ExceptPaths { get; init; }

    /// <summary>True when these options are plain FIFO over every path.</summary>
    public bool IsFifo => !NewestFirst && OnlyPaths is null && ExceptPaths is null;
}
