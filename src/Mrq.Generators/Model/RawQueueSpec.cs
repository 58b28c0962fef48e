using System.Collections.Immutable;

namespace Mrq.Generators.Model;

/// <summary>Everything the emitter needs to know about one valid <c>[MrqRawQueue]</c> factory method.</summary>
/// <remarks>
/// The incremental cache boundary of the raw-queue outputs: strings, numbers, enums and <see cref="EquatableArray{T}"/>s
/// only, never a symbol, syntax node, location or compilation, with structural equality. A change that leaves the spec
/// equal (the factory's body, a comment, another file) re-emits nothing. Adding members must preserve this or caching
/// breaks. Its first members have <see cref="TaskSpec"/>'s shape on purpose rather than a shared base: each spec is
/// its own pipeline's cache key, and a record base would make equality span both.
/// </remarks>
internal sealed record RawQueueSpec
{
    /// <summary>The namespace of the factory's type (and of the generated <c>RawQueues</c> class), or empty.</summary>
    public required string Namespace { get; init; }

    /// <summary>The name of the nested class <c>RawQueues.&lt;ClassName&gt;</c>: the factory method's name.</summary>
    public required string ClassName { get; init; }

    /// <summary>The per-assembly namespace of generated helper types (<c>Mrq.Generated.&lt;Assembly&gt;</c>).</summary>
    public required string GeneratedNamespace { get; init; }

    /// <summary>The raw queue's name, a root without subqueue.</summary>
    public required string Name { get; init; }

    /// <summary>The queue type, from the name's suffix.</summary>
    public required RawQueueType Type { get; init; }

    /// <summary>The factory for messages: <c>Namespace.Type.Method</c>.</summary>
    public required string FactoryName { get; init; }

    /// <summary>The factory as generated code names it: <c>global::Namespace.Type.Method</c>.</summary>
    public required string Factory { get; init; }

    /// <summary>The regular queue stored on the jobs.</summary>
    public required string RetryQueue { get; init; }

    /// <summary>The <c>Mrq.JobStatus</c> member names not stored, in declaration order.</summary>
    public required EquatableArray<string> StatusesNoStorage { get; init; }

    /// <summary>Timed sets: seconds after which a dequeued member is due again; 0 removes it.</summary>
    public required int PushbackSeconds { get; init; }

    /// <summary>Whether the queue has subqueues, which adds the <c>subqueue</c> overloads.</summary>
    public required bool HasSubqueues { get; init; }

    /// <summary>The generated class, <c>global::</c>-qualified: <c>global::&lt;Namespace&gt;.RawQueues.&lt;ClassName&gt;</c>.</summary>
    public string FacadeType =>
        (Namespace.Length == 0 ? "global::RawQueues." : $"global::{Namespace}.RawQueues.") + Identifiers.Escape(ClassName);

    /// <summary>The metadata name of the generated class, unique once conflicts are removed: the hint name stem.</summary>
    /// <remarks>Hint names cannot contain the <c>@</c> of an escaped keyword (<c>namespace @event</c>): it is dropped.</remarks>
    public string HintName => (Namespace.Length == 0 ? string.Empty : Namespace.Replace("@", string.Empty) + ".") + "RawQueues+" + ClassName;

    /// <summary>
    /// The queues that can be generated, by name (ordinal): a name declared twice, or two factories that would generate
    /// the same <c>RawQueues.&lt;ClassName&gt;</c>, make every queue involved invalid (MRQ011, MRQ016), as any other
    /// error does.
    /// </summary>
    public static ImmutableArray<RawQueueSpec> WithoutConflicts(ImmutableArray<RawQueueSpec> queues)
    {
        var conflicts = RawQueueConflicts.Find(queues);
        return queues
            .Where(q => !conflicts.Excludes(q))
            .OrderBy(static q => q.Name, StringComparer.Ordinal)
            .ToImmutableArray();
    }
}

/// <summary>The raw queue names and generated classes that more than one valid raw queue claims.</summary>
/// <remarks>
/// Almost always empty, so it compares equal across edits: combined with each queue's own spec, it lets an unchanged
/// queue stay cached when another is added or removed. Equality is structural.
/// </remarks>
/// <param name="Names">Raw queue names declared more than once (ordinal order).</param>
/// <param name="Classes">Generated classes (<see cref="RawQueueSpec.HintName"/>) claimed more than once (ordinal order).</param>
internal sealed record RawQueueConflicts(EquatableArray<string> Names, EquatableArray<string> Classes) : IConflicts<RawQueueSpec>
{
    /// <summary>Finds the conflicts among <paramref name="queues"/>.</summary>
    public static RawQueueConflicts Find(ImmutableArray<RawQueueSpec> queues) => new(
        DuplicateKeys.Find(queues.Select(static q => q.Name)),
        DuplicateKeys.Find(queues.Select(static q => q.HintName)));

    /// <summary>Whether <paramref name="queue"/> is one of the conflicting queues, which are not generated.</summary>
    public bool Excludes(RawQueueSpec queue) => Names.AsSpan().IndexOf(queue.Name) >= 0 || Classes.AsSpan().IndexOf(queue.HintName) >= 0;
}

/// <summary>Finds the keys several values claim.</summary>
internal static class DuplicateKeys
{
    /// <summary>The keys that occur more than once in <paramref name="keys"/>, in ordinal order.</summary>
    public static EquatableArray<string> Find(IEnumerable<string> keys) =>
        keys.GroupBy(static k => k, StringComparer.Ordinal)
            .Where(static g => g.Count() > 1)
            .Select(static g => g.Key)
            .OrderBy(static k => k, StringComparer.Ordinal)
            .ToEquatableArray();
}
