using System.Collections.Immutable;

namespace Mrq.Generators.Model;

/// <summary>
/// The input of the per-compilation registration file: every valid task, ordered by path, and every raw queue that can
/// be generated, ordered by name.
/// </summary>
/// <remarks>
/// Equality is structural; it changes only when a task or raw queue is added, removed, renamed or its options change.
/// </remarks>
internal sealed record CatalogSpec(string GeneratedNamespace, EquatableArray<CatalogEntry> Tasks, EquatableArray<RawQueueSpec> RawQueues)
{
    /// <summary>Builds the catalog of <paramref name="tasks"/> and <paramref name="rawQueues"/>, or null when there are none.</summary>
    public static CatalogSpec? Create(ImmutableArray<TaskSpec> tasks, ImmutableArray<RawQueueSpec> rawQueues)
    {
        tasks = TaskSpec.WithoutConflicts(tasks);
        var queues = RawQueueSpec.WithoutConflicts(rawQueues);
        if (tasks.IsEmpty && queues.IsEmpty)
        {
            return null;
        }

        var entries = tasks
            .Select(static t => new CatalogEntry(t.Path, t.FacadeType, t.Options))
            .OrderBy(static e => e.Path, System.StringComparer.Ordinal)
            .ThenBy(static e => e.Facade, System.StringComparer.Ordinal);
        var generatedNamespace = tasks.IsEmpty ? queues[0].GeneratedNamespace : tasks[0].GeneratedNamespace;
        return new CatalogSpec(generatedNamespace, entries.ToEquatableArray(), queues.ToEquatableArray());
    }
}

/// <summary>One registered task.</summary>
/// <param name="Path">The task path, for ordering.</param>
/// <param name="Facade">The generated façade class, <c>global::</c>-qualified, which holds Path, DefaultQueue and Invoke.</param>
/// <param name="Options">The attribute options.</param>
internal sealed record CatalogEntry(string Path, string Facade, TaskOptions Options);

/// <summary>The input of the per-compilation serializers file: every type of every task.</summary>
/// <remarks>Equality is structural; it changes only when a type used by some task changes shape.</remarks>
internal sealed record SerializersSpec(string GeneratedNamespace, EquatableArray<TypeSpec> Types)
{
    /// <summary>Merges the types of <paramref name="tasks"/> (ordinal order); null when none needs a generated method.</summary>
    public static SerializersSpec? Create(ImmutableArray<TaskSpec> tasks)
    {
        // Specs of one type are equal in every task: their references carry no nullable annotations.
        var types = new SortedDictionary<string, TypeSpec>(System.StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            foreach (var type in task.Types)
            {
                types[type.FullName] = type;
            }
        }

        return types.Values.Any(type => TypeSpecs.NeedsMethods(type, types))
            ? new SerializersSpec(tasks[0].GeneratedNamespace, types.Values.ToEquatableArray())
            : null;
    }
}
