using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mrq.Tests.Support;

/// <summary>
/// A private redis-server that a test stops (cleanly with SIGTERM, or with SIGKILL) and starts again on the same port
/// and data directory. Writes go to an append-only file synced on every write, so the queues survive both kinds of
/// restart (what a production Redis with persistence does); only the reply of a command in flight can be lost.
/// </summary>
internal sealed class RestartableRedis : IDisposable
{
    private static readonly TimeSpan s_startDeadline = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new();
    private Process? _process;

    private RestartableRedis(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public string Uri => $"redis://127.0.0.1:{Port}";

    public static async Task<RestartableRedis> StartAsync()
    {
        var redis = new RestartableRedis(FreeLoopbackPort());
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>A loopback port nothing listens on (for "unreachable" tests).</summary>
    public static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no", "--dir", _directory.Path,
            "--logfile", _directory.File("redis.log"),
        })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.TrueAsync(
            async () =>
            {
                Assert.False(_process.HasExited, "redis-server exited at start; see its log in " + _directory.Path);
                try
                {
                    await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},abortConnect=false,connectTimeout=1000");
                    var pong = await connection.GetDatabase().PingAsync();
                    return true;
                }
                catch (StackExchange.Redis.RedisException)
                {
                    return false;
                }
            },
            s_startDeadline,
            $"redis-server did not answer on port {Port}");
    }

    /// <summary>Stops the server: SIGTERM (a clean shutdown) or SIGKILL; waits until it has exited.</summary>
    public void Stop(bool kill)
    {
        if (_process is not { } process)
        {
            return;
        }

        ChildProcess.Send(kill ? "KILL" : "TERM", process.Id);
        process.WaitForExit(30_000);
        process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _directory.Dispose();
    }
}
