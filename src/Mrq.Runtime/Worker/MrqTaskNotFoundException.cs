namespace Mrq;

/// <summary>A job names a task path that no loaded assembly registered. The job ends <c>failed</c> with this exception.</summary>
public sealed class MrqTaskNotFoundException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public MrqTaskNotFoundException(string path, IEnumerable<string> knownPaths)
        : base($"No task with path '{path}' is registered in this worker. Known task paths: {string.Join(", ", knownPaths.Order(StringComparer.Ordinal))}.")
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

    /// <summary>The unknown task path.</summary>
    public string Path { get; }
}
