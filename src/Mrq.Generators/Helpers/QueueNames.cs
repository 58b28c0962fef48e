using System.Globalization;

namespace Mrq.Generators;

/// <summary>
/// The rules queue names follow, as the runtime and MRQ read them (docs/diagnostics/MRQ008.md lists them). The raw-queue
/// suffix rule is <see cref="RawQueueRule"/>, shared with the runtime.
/// </summary>
internal static class QueueNames
{
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
                RawQueueRule.SubqueueSeparator when isRawQueueName => "'/' separates a subqueue from its raw queue; declare the root name and set HasSubqueues = true",
                _ => null,
            };
            if (reason is not null)
            {
                return $"it contains {Describe(c)}: {reason}";
            }
        }

        if (!isRawQueueName && (name[0] == RawQueueRule.SubqueueSeparator || name[name.Length - 1] == RawQueueRule.SubqueueSeparator || name.Contains("//")))
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
