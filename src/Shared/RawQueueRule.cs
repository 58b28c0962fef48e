using System;

namespace Mrq;

/// <summary>
/// The raw-queue suffix rule, exactly as MRQ's <c>Queue.get_queue_type</c> reads it: the type comes from the root (the
/// part of the name before the first <c>/</c>), checked in the order <c>_timed_set</c>, <c>_sorted_set</c>, <c>_set</c>,
/// <c>_raw</c>, so <c>x_sorted_set</c> is a sorted set and not a set; any other name is a regular queue.
/// </summary>
/// <remarks>
/// The one implementation of the rule: compiled into the source generator (MRQ009, MRQ010 ...) and into the runtime
/// (brokers, worker, dashboard, and the public <c>RawQueueNaming</c>). Written for netstandard2.0 and without
/// allocating, since brokers call it per operation.
/// </remarks>
internal static class RawQueueRule
{
    /// <summary>Separates a root queue from its subqueue: <c>square_raw/eu</c>.</summary>
    public const char SubqueueSeparator = '/';

    // Longest first: a suffix that ends another one must be checked before it.
    private static readonly (string Suffix, RawQueueType Type)[] s_suffixes =
    [
        ("_timed_set", RawQueueType.TimedSet),
        ("_sorted_set", RawQueueType.SortedSet),
        ("_set", RawQueueType.Set),
        ("_raw", RawQueueType.List),
    ];

    /// <summary>The length of the root of <paramref name="queue"/>: the part before the first <c>/</c>.</summary>
    public static int RootLength(string queue)
    {
        var separator = queue.IndexOf(SubqueueSeparator);
        return separator < 0 ? queue.Length : separator;
    }

    /// <summary>The raw type of <paramref name="queue"/> and the suffix that decides it, or false for a regular queue.</summary>
    public static bool TryGetType(string queue, out RawQueueType type, out string suffix)
    {
        var rootLength = RootLength(queue);
        foreach (var candidate in s_suffixes)
        {
            var start = rootLength - candidate.Suffix.Length;
            if (start >= 0 && string.CompareOrdinal(queue, start, candidate.Suffix, 0, candidate.Suffix.Length) == 0)
            {
                type = candidate.Type;
                suffix = candidate.Suffix;
                return true;
            }
        }

        type = default;
        suffix = string.Empty;
        return false;
    }

}
