namespace Mrq.Infrastructure;

/// <summary>
/// A value inside a job's params that cannot be read, described in JSON terms, with the member path from the param down
/// to it (<c>.Address.Zip</c>, <c>[2]</c>). Generated readers add one path segment per level on the way up; the invoker
/// turns it into a <see cref="MrqParamsException"/> naming the task and the param.
/// </summary>
internal sealed class ParamValueException : Exception
{
    public ParamValueException(string problem, string path = "", Exception? innerException = null)
        : base(problem, innerException)
    {
        Problem = problem;
        Path = path;
    }

    public ParamValueException()
        : this("The value cannot be read.")
    {
    }

    public ParamValueException(string message)
        : this(message, "")
    {
    }

    public ParamValueException(string message, Exception innerException)
        : this(message, "", innerException)
    {
    }

    /// <summary>What is wrong, in JSON terms: "expected a JSON integer (Int32), got the JSON string "abc"".</summary>
    public string Problem { get; }

    /// <summary>The path below the param, empty for the param itself.</summary>
    public string Path { get; }
}
