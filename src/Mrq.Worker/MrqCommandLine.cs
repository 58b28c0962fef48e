using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Worker.CommandLine;
using Mrq.Worker.Commands;
using Mrq.Worker.Logging;
using Mrq.Worker.Telemetry;

namespace Mrq.Worker;

/// <summary>
/// MRQ's command line for a .NET program: <c>return await MrqCommandLine.RunAsync(args);</c> in <c>Main</c> gives the
/// program <c>worker QUEUE... [--greenlets N] [--dequeue_strategy sequential|parallel|burst] [--max_jobs N] [--config FILE]</c>
/// and the application's own commands. Exit codes: 0 done, 1 failed, 2 bad arguments or configuration.
/// </summary>
public static class MrqCommandLine
{
    /// <summary>Exit code for bad arguments or configuration.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Exit code for a failure: a store that cannot be used, or any other error the command did not expect.</summary>
    public const int FailureExitCode = 1;

    /// <summary>Runs the command named by <paramref name="args"/>.</summary>
    public static async Task<int> RunAsync(string[] args, Action<MrqCommandLineBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = new MrqCommandLineBuilder();
        configure?.Invoke(builder);
        var error = Console.Error;
        var debug = false;
        try
        {
            var parsed = ParsedArguments.Parse(args);
            if (parsed.Version)
            {
                Console.Out.WriteLine($"Mrq version: {typeof(MrqCommandLine).Assembly.GetName().Version}");
                Console.Out.WriteLine($".NET version: {Environment.Version}");
                return 0;
            }

            if (parsed.Help || parsed.Positionals.Count == 0)
            {
                WriteUsage(builder, parsed.Help ? Console.Out : error);
                return parsed.Help ? 0 : UsageExitCode;
            }

            var command = parsed.Positionals[0];
            var arguments = parsed.Positionals.Skip(1).ToArray();
            var settings = ConfigurationLoader.Load(parsed.Flags, Environment.GetEnvironmentVariables(), Directory.GetCurrentDirectory());
            debug = settings.LogLevel == "DEBUG";
            if (command is not ("worker" or "run") && !builder.Commands.ContainsKey(command))
            {
                throw new MrqUsageException($"'{command}' is not a command. Commands: {string.Join(", ", CommandNames(builder))}.");
            }

            // Disposed last: the command's final spans and metrics are flushed before the process exits.
            using var telemetry = OtlpExport.StartIfConfigured(settings);
            using var loggers = LoggerFactory.Create(logging => logging
                .SetMinimumLevel(LogLevel.Trace)
                .AddProvider(new MrqConsoleLoggerProvider(ParseLevel(settings.LogLevel), error)));
            await using var services = builder.Services.BuildServiceProvider();
            var client = MrqClient.Create(settings);
            try
            {
                MrqClient.Default = client;
                var context = new MrqCommandContext(arguments, settings, client, services, loggers, Console.Out, args);
                return command switch
                {
                    "worker" => await WorkerCommand.RunAsync(context).ConfigureAwait(false),
                    "run" => await RunCommand.RunAsync(context).ConfigureAwait(false),
                    _ => await builder.Commands[command].Run(context).ConfigureAwait(false),
                };
            }
            finally
            {
                if (client is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is MrqConfigurationException or MrqUsageException)
        {
            error.WriteLine($"mrq: error: {e.Message}");
            return UsageExitCode;
        }
        catch (MrqStoreUnavailableException e)
        {
            // A server away or a store file that cannot be used: one line naming it; the stack only when asked for.
            error.WriteLine($"mrq: error: {e.Message}");
            WriteStackWhenDebugging(error, e, debug);
            return FailureExitCode;
        }
        catch (Exception e)
        {
            // No Mrq command ends with .NET's "Unhandled exception" dump: what went wrong, on one line.
            error.WriteLine($"mrq: error: {e.GetType().Name}: {Infrastructure.OneLine.Of(e.Message)}{(debug ? "" : " (--log_level DEBUG shows the stack)")}");
            WriteStackWhenDebugging(error, e, debug);
            return FailureExitCode;
        }
    }

    private static void WriteStackWhenDebugging(TextWriter error, Exception e, bool debug)
    {
        if (debug)
        {
            error.WriteLine(e.ToString());
        }
    }


    private static IEnumerable<string> CommandNames(MrqCommandLineBuilder builder) => new[] { "worker", "run" }.Concat(builder.Commands.Keys.Order(StringComparer.Ordinal));

    private static LogLevel ParseLevel(string level) => level switch
    {
        "DEBUG" => LogLevel.Debug,
        "WARNING" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        _ => LogLevel.Information,
    };

    private static void WriteUsage(MrqCommandLineBuilder builder, TextWriter output)
    {
        output.WriteLine("usage: <program> COMMAND [ARGS] [--option value ...]");
        output.WriteLine();
        output.WriteLine("commands:");
        output.WriteLine("  worker QUEUE...        run jobs from the queues, in priority order (default: default)");
        output.WriteLine("  run TASKPATH [JSON | key value ...] [--queue Q]");
        output.WriteLine("                         run a task here and print its result as JSON, or enqueue it on Q");
        foreach (var (name, (usage, _)) in builder.Commands.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {name} {usage}");
        }

        output.WriteLine();
        output.WriteLine("options (also MRQ_<NAME> environment variables and mrq-config.json keys):");
        foreach (var key in ConfigKeys.All)
        {
            var aliases = key.Aliases.Length > 0 ? " (" + string.Join(", ", key.Aliases.Select(a => a.Length == 1 ? "-" + a : "--" + a)) + ")" : "";
            output.WriteLine($"  --{key.Name}{aliases}: {key.Expected}");
        }
    }
}
