using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace Mrq.Infrastructure;

/// <summary>
/// The process-wide dispatch table from task path to <see cref="TaskDescriptor"/>. Generated code registers every task of
/// its assembly from a module initializer, so a worker finds tasks without reflection.
/// </summary>
// A thin facade over Catalog<T>, like RawQueueCatalog: generated code registers into each table by its own type name.
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TaskCatalog
{
    // Mrq's built-in tasks (MRQ's maintenance tasks) register themselves first, from Mrq.Runtime's module initializer.
    private static readonly Catalog<TaskDescriptor> s_tasks = new(static task => task.Path);

    /// <summary>Adds tasks to the table. A path registered twice keeps its last descriptor.</summary>
    public static void Register(params ReadOnlySpan<TaskDescriptor> tasks) => s_tasks.Register(tasks);

    /// <summary>Finds the task registered under <paramref name="path"/>.</summary>
    public static bool TryFind(string path, [NotNullWhen(true)] out TaskDescriptor? task) => s_tasks.TryFind(path, out task);

    /// <summary>Every registered task.</summary>
    public static IReadOnlyCollection<TaskDescriptor> All => s_tasks.All;
}
