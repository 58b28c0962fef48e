namespace Mrq;

/// <summary>A job names a task path that no loaded assembly registered. The job ends <c>failed</c> with this exception.</summary>
public sealed class MrqTaskNotFoundException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public MrqTaskNotFoundException(string path, IEnumerable<string> knownPaths)
        : this(path, knownPaths, [])
    {
    }

    /// <summary>
    /// Creates the exception for <paramref name="path"/>, naming the registration call of each task library the process
    /// has but never loaded (<paramref name="unregistered"/>: assembly name, method to call).
    /// </summary>
    internal MrqTaskNotFoundException(string path, IEnumerable<string> knownPaths, IReadOnlyList<(string Assembly, string Method)> unregistered)
        : base(Describe(path, knownPaths, unregistered))
    {
        Path = path;
    }

    /// <summary>Creates the exception.</summary>
    public MrqTaskNotFoundException()
    {
        Path = "";
    }

    /// <summary>Creates the exception.</summary>
    public MrqTaskNotFoundException(string message)
        : base(message)
    {
        Path = "";
    }

    /// <summary>Creates the exception.</summary>
    public MrqTaskNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = "";
    }

    private static string Describe(string path, IEnumerable<string> knownPaths, IReadOnlyList<(string Assembly, string Method)> unregistered)
    {
        var message = $"No task with path '{path}' is registered in this worker. Known task paths: {string.Join(", ", knownPaths.Order(StringComparer.Ordinal))}.";
        return unregistered.Count == 0
            ? message + " A task library registers its tasks when its assembly is loaded: call its generated services.AddMrqTasksFrom<Assembly>() at startup."
            : message + " Task libraries this process has not loaded: " + string.Join(", ", unregistered.Select(u => $"{u.Assembly} (register it with services.{u.Method}())")) + ".";
    }

    /// <summary>The unknown task path.</summary>
    public string Path { get; }
}
