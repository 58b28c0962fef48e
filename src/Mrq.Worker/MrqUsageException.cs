namespace Mrq.Worker;

/// <summary>A command was given arguments it cannot use. The command line prints the message and exits with code 2.</summary>
public sealed class MrqUsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MrqUsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MrqUsageException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public MrqUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
