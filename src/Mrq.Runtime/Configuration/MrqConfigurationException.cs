namespace Mrq.Configuration;

/// <summary>A configuration value (flag, environment variable or config-file key) that Mrq cannot use. The message names it.</summary>
public sealed class MrqConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MrqConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MrqConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MrqConfigurationException()
    {
    }
}
