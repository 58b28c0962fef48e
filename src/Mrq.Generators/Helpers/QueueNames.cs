using System.Globalization;
using Mrq.Generators.Model;

namespace Mrq.Generators;

/// <summary>The rules queue names follow, as the runtime and MRQ read them (docs/diagnostics/MRQ008.md lists them).</summary>
internal static class QueueNames
{
    /// <summary>Separates a queue from its subqueue: <c>square_raw/eu</c>.</summary>
    public const char SubqueueSeparator = '/';

    /// <summary>
    /// The raw type of <paramref name="queue"/> and the suffix that decides it, or false for a regular queue. As in MRQ,
    /// only the root (the part before the first <c>/</c>) counts, and suffixes are checked longest first, so
    /// <c>x_sorted_set</c> is a sorted set and not a set.
    /// </summary>
    public static bool TryGetRawType(string queue, out RawQueueType type, out string suffix)
    {
        var separator = queue.IndexOf(SubqueueSeparator);
        var root = separator < 0 ? queue : queue.Substring(0, separator);
        (type, suffix) = root switch
        {
            _ when root.EndsWith("_timed_set", System.StringComparison.Ordinal) => (RawQueueType.TimedSet, "_timed_set"),
            _ when root.EndsWith("_sorted_set", System.StringComparison.Ordinal) => (RawQueueType.SortedSet, "_sorted_set"),
            _ when root.EndsWith("_set", System.StringComparison.Ordinal) => (RawQueueType.Set, "_set"),
            _ when root.EndsWith("_raw", System.StringComparison.Ordinal) => (RawQueueType.List, "_raw"),
            _ => (default(RawQueueType), string.Empty),
        };
        return suffix.Length > 0;
    }

    /// <summary>
    /// What makes <paramref name="name"/> unusable as a queue name, or null when it is fine. A raw queue's declared name
    /// (<paramref name="isRawQueueName"/>) is a root and may not contain <c>/</c> at all; other queue names may name a
    /// subqueue, but neither side of a <c>/</c> may be empty.
    /// </summary>
    public static string? GetProblem(string? name, bool isRawQueueName)
    {
        if (name is null)
        {
            return "it is null";
        }

        if (name.Trim().Length == 0)
        {
            return name.Length == 0 ? "it is empty" : "it is only whitespace";
        }

        foreach (var c in name)
        {
            var reason = c switch
            {
                _ when char.IsWhiteSpace(c) || char.IsControl(c) => "whitespace and control characters split worker command lines and corrupt logs",
                '*' or '?' or '[' or ']' => "it is a glob character in Redis key matching (KEYS, SCAN MATCH), where the queue's keys would match other queues' keys",
                '{' or '}' => "braces mark a Redis Cluster hash tag, which would move the queue's keys to another slot",
                SubqueueSeparator when isRawQueueName => "'/' separates a subqueue from its raw queue; declare the root name and set HasSubqueues = true",
                _ => null,
            };
            if (reason is not null)
            {
                return $"it contains {Describe(c)}: {reason}";
            }
        }

        if (!isRawQueueName && (name[0] == SubqueueSeparator || name[name.Length - 1] == SubqueueSeparator || name.Contains("//")))
        {
            return "'/' separates a queue from its subqueue, so neither side may be empty";
        }

        return null;
    }

    /// <summary>A character as messages show it: <c>a space</c>, <c>U+000A</c>, <c>','</c>.</summary>
    public static string Describe(char c) => c switch
    {
        ' ' => "a space",
        '\t' => "a tab",
        _ when char.IsWhiteSpace(c) || char.IsControl(c) => "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
        _ => $"'{c}'",
    };
}
