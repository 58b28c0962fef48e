using System.Collections.Frozen;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace Mrq.Infrastructure;

/// <summary>
/// The process-wide dispatch table from task path to <see cref="TaskDescriptor"/>. Generated code registers every task of
/// its assembly from a module initializer, so a worker finds tasks without reflection.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TaskCatalog
{
    private static readonly Lock s_gate = new();
    private static FrozenDictionary<string, TaskDescriptor> s_tasks = FrozenDictionary<string, TaskDescriptor>.Empty;

    /// <summary>Adds tasks to the table. A path registered twice keeps its last descriptor.</summary>
    public static void Register(params ReadOnlySpan<TaskDescriptor> tasks)
    {
        lock (s_gate)
        {
            var next = new Dictionary<string, TaskDescriptor>(s_tasks, StringComparer.Ordinal);
            foreach (var task in tasks)
            {
                next[task.Path] = task;
            }

            // Lookups read the field without the lock: publish a fully built table in one write.
            Volatile.Write(ref s_tasks, next.ToFrozenDictionary(StringComparer.Ordinal));
        }
    }

    /// <summary>Finds the task registered under <paramref name="path"/>.</summary>
    public static bool TryFind(string path, [NotNullWhen(true)] out TaskDescriptor? task) =>
        Volatile.Read(ref s_tasks).TryGetValue(path, out task);

    /// <summary>Every registered task, by path.</summary>
    public static IReadOnlyCollection<TaskDescriptor> All => Volatile.Read(ref s_tasks).Values;
}
