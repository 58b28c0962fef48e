namespace Mrq.Generators;

/// <summary>The rules an explicit task path follows (docs/diagnostics/MRQ019.md lists them).</summary>
internal static class TaskPaths
{
    /// <summary>
    /// What makes <paramref name="path"/> unusable as a task path, or null when it is fine. Workers take task paths in
    /// lists (<c>--task_whitelist</c>, <c>--task_blacklist</c>, their config keys) that are split on whitespace and
    /// commas, so a path containing either could be stored on jobs but never named there.
    /// </summary>
    public static string? GetProblem(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "it is empty; omit Path to use the namespace-qualified class name";
        }

        foreach (var c in path!)
        {
            var reason = c switch
            {
                _ when char.IsWhiteSpace(c) || c == ',' =>
                    "worker task lists (--task_whitelist, --task_blacklist) split on whitespace and commas, so the task could never be listed there",
                _ when char.IsControl(c) => "control characters corrupt logs and command lines",
                _ => null,
            };
            if (reason is not null)
            {
                return $"it contains {QueueNames.Describe(c)}: {reason}";
            }
        }

        return null;
    }
}
