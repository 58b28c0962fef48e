namespace Mrq.Storage;

/// <summary>
/// Raw-queue naming rules, exactly as MRQ's <c>Queue.get_queue_type</c> / <c>root_id</c> / <c>is_subqueue</c>: the type
/// comes from the root's suffix (<see cref="RawQueueRule"/>, shared with the source generator); any other name is a
/// regular queue.
/// <list type="bullet">
/// <item><c>a_timed_set/sub</c> is a timed set (subqueue of <c>a_timed_set</c>).</item>
/// <item><c>x_raw_reverse</c> is <b>not</b> raw (MRQ treats <c>_reverse</c> names as regular queues).</item>
/// <item><c>root/sub</c> is a subqueue; <c>root/</c> is not a subqueue but the listen form: the root queue itself plus
/// every known subqueue of the root.</item>
/// </list>
/// </summary>
public static class RawQueueNames
{
    /// <summary>Separator between a root queue and its subqueue.</summary>
    public const char SubqueueSeparator = RawQueueRule.SubqueueSeparator;

    /// <summary>The raw type of <paramref name="queue"/>, or false for a regular queue (<see cref="RawQueueRule"/>).</summary>
    public static bool TryGetType(string queue, out RawQueueType type)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return RawQueueRule.TryGetType(queue, out type, out _);
    }

    /// <summary>True when <paramref name="queue"/> names a raw queue (any of the four types).</summary>
    public static bool IsRaw(string queue) => TryGetType(queue, out _);

    /// <summary>The raw type of <paramref name="queue"/>; throws <see cref="ArgumentException"/> for a regular queue.</summary>
    public static RawQueueType GetRequiredType(string queue)
    {
        if (!TryGetType(queue, out var type))
        {
            throw new ArgumentException(
                $"'{queue}' is not a raw queue: the part before the first '/' must end with _timed_set, _sorted_set, _set or _raw.",
                nameof(queue));
        }

        return type;
    }

    /// <summary>The root queue name: the part before the first <c>/</c> (the whole name when there is none).</summary>
    public static string Root(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue[..RawQueueRule.RootLength(queue)];
    }

    /// <summary>The root as a span, without allocating.</summary>
    public static ReadOnlySpan<char> RootSpan(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.AsSpan(0, RawQueueRule.RootLength(queue));
    }

    /// <summary>True when something follows the first <c>/</c> (<c>x/y</c> is a subqueue, <c>x/</c> and <c>x</c> are not).</summary>
    public static bool IsSubqueue(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var slash = queue.IndexOf(SubqueueSeparator, StringComparison.Ordinal);
        return slash >= 0 && slash < queue.Length - 1;
    }

    /// <summary>
    /// True for the listen form <c>root/</c> (the only <c>/</c> is the last character and a root precedes it): the
    /// root queue plus all of its known subqueues.
    /// </summary>
    public static bool IsListenForm(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var slash = queue.IndexOf(SubqueueSeparator, StringComparison.Ordinal);
        return slash > 0 && slash == queue.Length - 1;
    }

    /// <summary>The listen form of a root (or of any of its subqueues): <c>root/</c>.</summary>
    public static string ListenForm(string queue) => string.Concat(RootSpan(queue), "/");
}
