using Microsoft.Extensions.Logging;
using Mrq.Configuration;

namespace Mrq.Worker;

/// <summary>What a command receives: its positional arguments, the merged settings, a client and services.</summary>
public sealed class MrqCommandContext
{
    internal MrqCommandContext(IReadOnlyList<string> arguments, MrqSettings settings, IMrqClient client, IServiceProvider services, ILoggerFactory loggers, TextWriter output, IReadOnlyList<string>? commandLine = null)
    {
        Arguments = arguments;
        ProgramArguments = commandLine ?? arguments;
        Settings = settings;
        Client = client;
        Services = services;
        Loggers = loggers;
        Output = output;
    }

    /// <summary>Positional arguments after the command name.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The whole command line the program was given (a <c>--processes</c> supervisor starts its children with it).</summary>
    internal IReadOnlyList<string> ProgramArguments { get; }

    /// <summary>Settings from defaults, config file, environment and flags.</summary>
    public MrqSettings Settings { get; }

    /// <summary>A client on the configured stores; also <see cref="MrqClient.Default"/> while the command runs.</summary>
    public IMrqClient Client { get; }

    /// <summary>The application's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Loggers writing MRQ-style lines to standard error.</summary>
    public ILoggerFactory Loggers { get; }

    /// <summary>Standard output, for the command's result.</summary>
    public TextWriter Output { get; }
}
