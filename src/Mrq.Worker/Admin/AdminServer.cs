using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mrq.Processing;
using Mrq.Storage;

namespace Mrq.Worker.Admin;

/// <summary>
/// MRQ's admin HTTP endpoint (<c>--admin_port</c>, bound to <c>--admin_ip</c>, loopback by default): <c>GET /</c>,
/// <c>/report</c> and <c>/report_mem</c> return the worker's current report as JSON (MRQ's <c>mrq_workers</c> fields,
/// dates in ISO 8601); <c>/wait_for_idle</c> answers <c>idle</c> once nothing runs and a fresh pass over the queues
/// found nothing (what MRQ's test harness waits on); anything else is 404.
/// </summary>
internal sealed partial class AdminServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly WorkerEngine _engine;
    private readonly Task _stopped;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closing = new();
    private Task? _loop;

    private AdminServer(WorkerEngine engine, Task stopped, ILogger logger)
    {
        _engine = engine;
        _stopped = stopped;
        _logger = logger;
    }

    /// <summary>Starts serving; <paramref name="stopped"/> completes when the worker has stopped (pending waits then fail).</summary>
    public static AdminServer Start(string ip, int port, WorkerEngine engine, Task stopped, ILogger logger)
    {
        var server = new AdminServer(engine, stopped, logger);
        var host = ip is "0.0.0.0" or "*" or "::" ? "*" : ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip;
        server._listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}/"));
        try
        {
            server._listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new Configuration.MrqConfigurationException($"--admin_port: cannot listen on {ip}:{port}: {e.Message}", e);
        }

        server._loop = Task.Run(server.AcceptLoopAsync);
        server.LogListening(ip, port);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _listener.Close();
        _closing.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var handlers = new List<Task>();
        while (!_closing.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }

            handlers.RemoveAll(t => t.IsCompleted);
            handlers.Add(Task.Run(() => HandleAsync(context)));
        }

        await Task.WhenAll(handlers).ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            switch (context.Request.Url?.AbsolutePath)
            {
                case "/" or "/report" or "/report_mem":
                    await WriteAsync(response, 200, "application/json", ReportJson()).ConfigureAwait(false);
                    break;
                case "/wait_for_idle":
                    var idle = await _engine.WaitForIdleAsync(_stopped, _closing.Token).ConfigureAwait(false);
                    await WriteAsync(response, idle ? 200 : 503, "text/plain", idle ? "idle" : "stopped").ConfigureAwait(false);
                    break;
                default:
                    await WriteAsync(response, 404, "text/plain", "not found").ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away.
        }
        finally
        {
            response.Close();
        }
    }

    private string ReportJson() => WorkerReportJson.Write(_engine.CurrentReport(), static (json, name, date) =>
        json.WriteString(name, date.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)));

    private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType + "; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin endpoint listening on http://{Ip}:{Port}/ (/report, /wait_for_idle)")]
    private partial void LogListening(string ip, int port);
}
