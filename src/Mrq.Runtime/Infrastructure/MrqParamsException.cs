namespace Mrq.Infrastructure;

/// <summary>
/// Thrown when a job's params cannot be read: they are not a map, a value has the wrong type, a required param or member
/// is missing, or a param or member is unknown. The message names the task path, the param and the type it expects; the inner exception, if any,
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

    /// <summary>The params of <paramref name="taskPath"/> are not a readable map, or hold a param the task does not have.</summary>
    public static MrqParamsException InvalidMap(string taskPath, Exception innerException) =>
        new($"Params of task '{taskPath}': {Problem(innerException)}.", taskPath, null, null, innerException);

    /// <summary>The value of <paramref name="paramName"/> cannot be read as <paramref name="expectedType"/>.</summary>
    public static MrqParamsException InvalidParam(string taskPath, string paramName, string expectedType, Exception innerException)
    {
        var at = innerException is ParamValueException { Path.Length: > 0 } value ? $" at {paramName}{value.Path}" : "";
        return new($"Param '{paramName}' ({expectedType}) of task '{taskPath}'{at}: {Problem(innerException)}.", taskPath, paramName, expectedType, innerException);
    }

    /// <summary>A required param is missing.</summary>
    public static MrqParamsException Missing(string taskPath, string paramName, string expectedType) =>
        new($"Param '{paramName}' ({expectedType}) of task '{taskPath}' is required but missing from the job's params.", taskPath, paramName, expectedType, null);

    /// <summary>A param the task does not declare; <paramref name="known"/> lists the ones it does.</summary>
    public static Exception UnknownParam(ReadOnlySpan<byte> name, string known) =>
        new ParamValueException($"unknown param \"{ValueText.Truncate(System.Text.Encoding.UTF8.GetString(name), ValueText.MaxShownValueLength)}\" ({(known.Length == 0 ? "the task has no params" : "the task's params are " + known)})");

    // What is wrong, in JSON terms: the readers' own description, or the serializer's message for anything else.
    private static string Problem(Exception? error) => error switch
    {
        ParamValueException value => value.Problem,
        EndOfStreamException => "the params end in the middle of a value (truncated data)",
        null => "unreadable",
        _ => ValueText.Truncate(error.Message, ValueText.MaxShownValueLength),
    };
}
