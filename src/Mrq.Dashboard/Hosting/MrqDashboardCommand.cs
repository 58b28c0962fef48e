using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mrq.Worker;

namespace Mrq.Dashboard;

/// <summary>
/// MRQ's <c>mrq-dashboard</c> as a command of your program: <c>dashboard [--dashboard_port 5555] [--dashboard_ip
/// 127.0.0.1] [--dashboard_httpauth user:pass] [--dashboard_readonly]</c>, on the stores the usual configuration names.
/// Register it with <c>mrq.AddCommand("dashboard", MrqDashboardCommand.Usage, MrqDashboardCommand.RunAsync)</c>.
/// </summary>
public static class MrqDashboardCommand
{
    /// <summary>The command's usage line.</summary>
    public const string Usage = "[--dashboard_port 5555] [--dashboard_ip 127.0.0.1] [--dashboard_httpauth user:pass] [--dashboard_readonly]\n" +
        "                         serve the dashboard until stopped (Ctrl+C)";

    /// <summary>Serves the dashboard until the process is asked to stop; returns the exit code.</summary>
    public static async Task<int> RunAsync(MrqCommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Arguments.Count > 0)
        {
            throw new MrqUsageException($"dashboard takes no arguments (got '{context.Arguments[0]}').");
        }

        var settings = context.Settings;
        var log = context.Loggers.CreateLogger("mrq.dashboard");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Parse(settings.DashboardIp), settings.DashboardPort));
        await using var app = builder.Build();
        app.MapMrqDashboard("/", options =>
        {
            options.Client = context.Client;
            options.ReadOnly = settings.DashboardReadOnly;
            options.BasicAuth = settings.DashboardHttpAuth;
        });

        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // Kestrel's "Failed to bind to address …" wraps the reason (AddressInUseException); an address this machine
            // does not have is a bare SocketException.
            context.Output.Flush();
            await Console.Error.WriteLineAsync($"mrq: error: --dashboard_port: cannot listen on {settings.DashboardIp}:{settings.DashboardPort}: {(e.InnerException ?? e).Message}").ConfigureAwait(false);
            return 1;
        }

        var host = IPAddress.Parse(settings.DashboardIp) is { AddressFamily: AddressFamily.InterNetworkV6 } ? $"[{settings.DashboardIp}]" : settings.DashboardIp;
        LogListening(log, $"http://{host}:{settings.DashboardPort}/", settings.DashboardReadOnly ? " (read-only)" : "", null);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    private static readonly Action<ILogger, string, string, Exception?> LogListening =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(1, "DashboardListening"), "Dashboard listening on {Url}{Mode}");
}
