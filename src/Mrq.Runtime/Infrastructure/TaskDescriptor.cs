using System.ComponentModel;

namespace Mrq.Infrastructure;

/// <summary>
/// One entry of the dispatch table: a task path, its invoker and the options given on its <see cref="MrqTaskAttribute"/>.
/// Generated per task; not for hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TaskDescriptor
{
    private static readonly IReadOnlyDictionary<string, int> s_noOptions = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>The stable task path.</summary>
    public required string Path { get; init; }

    /// <summary>The queue used when none is named at enqueue time.</summary>
    public required string DefaultQueue { get; init; }

    /// <summary>Runs one job of the task.</summary>
    public required TaskInvoker Invoke { get; init; }

    /// <summary>
    /// The options the task's attribute gives, by their <c>TASKS</c> config key (<c>timeout</c>, <c>max_retries</c>...);
    /// the configured defaults apply to the others.
    /// </summary>
    public IReadOnlyDictionary<string, int> Options { get; init; } = s_noOptions;

    /// <summary>The attribute's value of <paramref name="option"/>, or its unset value when the attribute does not give it.</summary>
    internal int Get(TaskOption option) => Options.TryGetValue(option.ConfigKey, out var value) ? value : option.Unset;
}
