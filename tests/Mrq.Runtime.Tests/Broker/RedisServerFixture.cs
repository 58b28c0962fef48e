using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Mrq.Tests.Support;
using StackExchange.Redis;

namespace Mrq.Tests.Broker;

/// <summary>The xunit collection sharing one <see cref="RedisServerFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisServerCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis-server";
}

/// <summary>
/// Starts a private <c>redis-server</c> (no persistence, loopback only, a free port) as a child process for the
/// collection, waits until it answers PING, and stops it by its pid on dispose. Fails (never skips) when redis-server is
/// not installed. Tests isolate themselves with their own key prefix.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mrq-redis-" + Guid.NewGuid().ToString("N"));
    private Process? _process;
    private ConnectionMultiplexer? _connection;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>StackExchange.Redis configuration string of the server.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>A connection shared by the collection's tests.</summary>
    public ConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("The redis-server fixture is not started.");

    /// <summary>A new, independent connection (the caller disposes it).</summary>
    internal Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Configuration);

    public async Task InitializeAsync()
    {
        var executable = FindRedisServer()
            ?? throw new InvalidOperationException(
                "redis-server is not installed (needed by the Redis broker tests): run `apt-get install -y redis-server`.");
        Directory.CreateDirectory(_directory);

        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = RestartableRedis.FreeLoopbackPort();
            try
            {
                _process = Start(executable, Port);
                await WaitForPongAsync(_process, Port).ConfigureAwait(false);
                _connection = await ConnectAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or SocketException)
            {
                // Most likely another process took the port between probing and binding: try another one.
                last = ex;
                Stop();
            }
        }

        throw new InvalidOperationException($"Could not start redis-server ({executable}); see {_directory}/redis.log.", last);
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.CloseAsync().ConfigureAwait(false);
            _connection.Dispose();
        }

        Stop();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Process Start(string executable, int port)
    {
        var info = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", string.Empty,
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", _directory,
            "--pidfile", Path.Combine(_directory, "redis.pid"),
            "--logfile", Path.Combine(_directory, "redis.log"),
        })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Stop()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                // Our own child, by its pid; no persistence, so no need for a graceful SHUTDOWN.
                process.Kill();
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            process.Dispose();
        }
    }

    private static async Task WaitForPongAsync(Process process, int port)
    {
        var deadline = Stopwatch.StartNew();
        var ping = Encoding.ASCII.GetBytes("PING\r\n");
        var buffer = new byte[64];
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} before answering PING.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                var stream = client.GetStream();
                await stream.WriteAsync(ping).ConfigureAwait(false);
                var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
                if (read >= 5 && Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException) when (deadline.Elapsed < StartDeadline)
            {
            }
            catch (IOException) when (deadline.Elapsed < StartDeadline)
            {
            }

            if (deadline.Elapsed >= StartDeadline)
            {
                throw new InvalidOperationException($"redis-server did not answer PING on port {port} within {StartDeadline.TotalSeconds} s.");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private static string? FindRedisServer()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        var directories = (path ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Append("/usr/local/bin")
            .Append("/usr/sbin");
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
