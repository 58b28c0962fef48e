using Microsoft.Extensions.DependencyInjection;

namespace Mrq.Worker;

/// <summary>Configures <see cref="MrqCommandLine"/>: the services tasks are built from, and the application's own commands.</summary>
public sealed class MrqCommandLineBuilder
{
    internal MrqCommandLineBuilder()
    {
    }

    /// <summary>Services from which task constructor dependencies are resolved.</summary>
    public IServiceCollection Services { get; } = new ServiceCollection();

    internal Dictionary<string, (string Usage, Func<MrqCommandContext, Task<int>> Run)> Commands { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a command, such as the sample's <c>enqueue QUEUE COUNT</c>. Its return value is the exit code.</summary>
    public MrqCommandLineBuilder AddCommand(string name, string usage, Func<MrqCommandContext, Task<int>> run)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(run);
        Commands[name] = (usage, run);
        return this;
    }
}
