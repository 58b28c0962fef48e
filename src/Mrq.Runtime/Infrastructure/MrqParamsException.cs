namespace Mrq.Infrastructure;

/// <summary>
/// Thrown when a job's params cannot be read: they are not a MessagePack map, a value has the wrong type, or a required
/// param is missing. The message names the task path, the param and the type it expects; the inner exception, if any,
/// is the serializer's.
/// </summary>
public sealed class MrqParamsException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public MrqParamsException()
        : base("The job's params cannot be read.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MrqParamsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public MrqParamsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    private MrqParamsException(string message, string taskPath, string? paramName, string? expectedType, Exception? innerException)
        : base(message, innerException)
    {
        TaskPath = taskPath;
        ParamName = paramName;
        ExpectedType = expectedType;
    }

    /// <summary>The task path, when known.</summary>
    public string? TaskPath { get; }

    /// <summary>The param that could not be read, or null when the map itself is malformed.</summary>
    public string? ParamName { get; }

    /// <summary>The C# type the param expects, or null when the map itself is malformed.</summary>
    public string? ExpectedType { get; }

    /// <summary>The params of <paramref name="taskPath"/> are not a readable map.</summary>
    public static MrqParamsException InvalidMap(string taskPath, Exception innerException) =>
        new($"The params of task '{taskPath}' are not a valid MessagePack map: {innerException?.Message}", taskPath, null, null, innerException);

    /// <summary>The value of <paramref name="paramName"/> cannot be read as <paramref name="expectedType"/>.</summary>
    public static MrqParamsException InvalidParam(string taskPath, string paramName, string expectedType, Exception innerException) =>
        new($"Param '{paramName}' of task '{taskPath}' cannot be read as {expectedType}: {innerException?.Message}", taskPath, paramName, expectedType, innerException);

    /// <summary>A required param is missing.</summary>
    public static MrqParamsException Missing(string taskPath, string paramName, string expectedType) =>
        new($"Param '{paramName}' ({expectedType}) of task '{taskPath}' is required but missing from the job's params.", taskPath, paramName, expectedType, null);
}
