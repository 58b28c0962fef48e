using System.Collections.Immutable;

namespace Mrq.Generators.Model;

/// <summary>Everything the emitter needs to know about one valid <c>[MrqTask]</c> class.</summary>
/// <remarks>
/// This is the incremental cache boundary of the per-task outputs: it holds only strings, numbers, enums and
/// <see cref="EquatableArray{T}"/>s, never a symbol, syntax node, location or compilation, and equality is structural.
/// A change that does not alter the spec (a Run body, a comment, another file) therefore re-emits nothing.
/// Adding members must preserve this or caching breaks.
/// </remarks>
internal sealed record TaskSpec
{
    /// <summary>The namespace of the task class (and of its generated <c>Tasks</c> façade), or empty for the global namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The task class, <c>global::</c>-qualified.</summary>
    public required string TaskType { get; init; }

    /// <summary>
    /// The names of the façade class and the classes containing it inside <c>Tasks</c>, outermost first, as
    /// <see cref="FacadeNames"/> makes them: the task class's own name and those of the classes it is nested in, so
    /// nested <c>Billing.Charge</c> gets <c>Tasks.Billing.Charge</c>.
    /// </summary>
    public required EquatableArray<string> FacadePath { get; init; }

    /// <summary>For each class of <see cref="FacadePath"/>, whether it is declared public (<see cref="FacadeNames.GetPublicFlags"/>).</summary>
    public required EquatableArray<bool> FacadePublic { get; init; }

    /// <summary>The task class's namespace-qualified metadata name, unique in the compilation: the hint name stem.</summary>
    public required string HintName { get; init; }

    /// <summary>The per-assembly namespace of generated helper types (<c>Mrq.Generated.&lt;Assembly&gt;</c>).</summary>
    public required string GeneratedNamespace { get; init; }

    /// <summary>The task path.</summary>
    public required string Path { get; init; }

    /// <summary>The default queue.</summary>
    public required string Queue { get; init; }

    /// <summary>The remaining attribute options.</summary>
    public required TaskOptions Options { get; init; }

    /// <summary><c>Run</c> or <c>RunAsync</c>.</summary>
    public required string MethodName { get; init; }

    /// <summary>What Run returns.</summary>
    public required ReturnKind ReturnKind { get; init; }

    /// <summary>The result type, or null for tasks without a result.</summary>
    public TypeRef? Result { get; init; }

    /// <summary>Every parameter of Run, in order: job params, the job context and cancellation tokens.</summary>
    public required EquatableArray<ParameterSpec> Parameters { get; init; }

    /// <summary>The parameters of the task's public constructor, resolved from a per-job service scope.</summary>
    public required EquatableArray<DependencySpec> Dependencies { get; init; }

    /// <summary>How the task instance is disposed after Run.</summary>
    public required Disposal Disposal { get; init; }

    /// <summary>Every type in the params and result, by <see cref="TypeSpec.FullName"/> (ordinal order).</summary>
    public required EquatableArray<TypeSpec> Types { get; init; }

    /// <summary>The generated façade class, <c>global::</c>-qualified: <c>global::&lt;Namespace&gt;.Tasks.&lt;FacadePath&gt;</c>.</summary>
    public string FacadeType =>
        (Namespace.Length == 0 ? "global::" : $"global::{Namespace}.") + FacadeNames.Container + "." + string.Join(".", FacadePath.Select(Identifiers.Escape));

    /// <summary>
    /// The tasks that can be generated: those whose façade class no other task also claims (MRQ021 reports the rest).
    /// </summary>
    public static ImmutableArray<TaskSpec> WithoutConflicts(ImmutableArray<TaskSpec> tasks)
    {
        var conflicts = TaskConflicts.Find(tasks);
        return conflicts.IsEmpty ? tasks : tasks.Where(t => !conflicts.Excludes(t)).ToImmutableArray();
    }
}

/// <summary>The façade classes that more than one valid task claims (almost always none, so it compares equal across edits).</summary>
/// <param name="FacadeTypes">The claimed façade classes, <see cref="TaskSpec.FacadeType"/>, in ordinal order.</param>
internal sealed record TaskConflicts(EquatableArray<string> FacadeTypes) : IConflicts<TaskSpec>
{
    /// <summary>Whether no façade class is claimed twice.</summary>
    public bool IsEmpty => FacadeTypes.IsEmpty;

    /// <summary>Finds the conflicts among <paramref name="tasks"/>.</summary>
    public static TaskConflicts Find(ImmutableArray<TaskSpec> tasks) => new(DuplicateKeys.Find(tasks.Select(static t => t.FacadeType)));

    /// <summary>Whether <paramref name="task"/> is one of the conflicting tasks, which are not generated.</summary>
    public bool Excludes(TaskSpec task) => FacadeTypes.AsSpan().IndexOf(task.FacadeType) >= 0;
}

/// <summary>
/// The attribute's values of the numeric task options, by <see cref="TaskOption.Index"/>; an option the attribute does
/// not give holds its <see cref="TaskOption.Unset"/> value.
/// </summary>
internal sealed record TaskOptions(EquatableArray<int> Values)
{
    /// <summary>No option given.</summary>
    public static TaskOptions None { get; } = new(TaskOption.All.Select(static o => o.Unset).ToEquatableArray());

    /// <summary>The value of <paramref name="option"/>.</summary>
    public int this[TaskOption option] => Values[option.Index];

    /// <summary>These values with <paramref name="option"/> set to <paramref name="value"/>.</summary>
    public TaskOptions With(TaskOption option, int value)
    {
        var values = Values.AsSpan().ToArray();
        values[option.Index] = value;
        return new TaskOptions(new EquatableArray<int>(values));
    }
}

/// <summary>A parameter of Run.</summary>
/// <param name="Name">The name as declared (without <c>@</c>): the key in the params map.</param>
/// <param name="Kind">Whether it is a job param or filled in from the job context.</param>
/// <param name="Type">The declared type.</param>
/// <param name="DefaultValue">The C# default value expression, which makes the param optional; or null.</param>
internal sealed record ParameterSpec(string Name, ParameterKind Kind, TypeRef Type, string? DefaultValue);

/// <summary>A constructor parameter of the task class, resolved from the job's service scope.</summary>
/// <param name="Type">The service type.</param>
/// <param name="IsOptional">Whether it is nullable or has a default value, so a missing service is passed as null.</param>
internal sealed record DependencySpec(TypeRef Type, bool IsOptional);

/// <summary>What a Run parameter receives.</summary>
internal enum ParameterKind
{
    /// <summary>A job param, read from the params map.</summary>
    Job,

    /// <summary>The <c>Mrq.JobContext</c>.</summary>
    Context,

    /// <summary>The job's <c>CancellationToken</c>.</summary>
    CancellationToken,
}

/// <summary>The shape of Run's return type.</summary>
internal enum ReturnKind
{
    Void,
    Value,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>How a task instance is disposed.</summary>
internal enum Disposal
{
    None,
    Dispose,
    DisposeAsync,
}
