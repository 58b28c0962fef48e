namespace Mrq;

/// <summary>
/// Tells raw queues from regular ones by name, with the rule the workers, brokers and the source generator use: the
/// part of the name before the first <c>/</c> ends with <c>_raw</c>, <c>_set</c>, <c>_sorted_set</c> or
/// <c>_timed_set</c>.
/// </summary>
/// <example><c>RawQueueNaming.TypeOf("square_timed_set/eu")</c> is <see cref="RawQueueType.TimedSet"/>;
/// <c>RawQueueNaming.TypeOf("default")</c> is null.</example>
public static class RawQueueNaming
{
    /// <summary>The raw type of <paramref name="queue"/> (or of the raw queue it is a subqueue of), or null for a regular queue.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="queue"/> is null.</exception>
    public static RawQueueType? TypeOf(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return RawQueueRule.TryGetType(queue, out var type, out _) ? type : null;
    }

    /// <summary>Whether <paramref name="queue"/> names a raw queue (of any of the four types) or one of its subqueues.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="queue"/> is null.</exception>
    public static bool IsRaw(string queue) => TypeOf(queue) is not null;
}
