namespace Mrq.Storage;

/// <summary>
/// MRQ's rules for paused queues: pausing <c>x/</c> (the listen form) pauses its root <c>x</c>, and a queue is paused
/// when its own name or its root (the part before the first <c>/</c>) is in the paused set, so pausing <c>high</c>
/// also pauses <c>high/sub</c>.
/// </summary>
public static class PausedQueues
{
    /// <summary>What the paused set stores for <paramref name="queue"/>.</summary>
    public static string Member(string queue)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var trimmed = queue.EndsWith('/') ? queue.TrimEnd('/') : queue;
        return trimmed.Length > 0 ? trimmed : throw new ArgumentException($"'{queue}' is not a queue name.", nameof(queue));
    }

    /// <summary>The root of a queue name: the part before the first <c>/</c>.</summary>
    public static string Root(string queue)
    {
        var slash = queue.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? queue : queue[..slash];
    }

    /// <summary>Whether <paramref name="queue"/> is paused by the set <paramref name="paused"/>.</summary>
    public static bool IsPaused(IReadOnlySet<string> paused, string queue) =>
        paused.Count > 0 && (paused.Contains(Member(queue)) || paused.Contains(Root(queue)));
}
