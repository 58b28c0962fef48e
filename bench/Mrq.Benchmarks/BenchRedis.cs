using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mrq.Benchmarks;

/// <summary>
/// The Redis server the broker benchmarks use: <c>MRQ_BENCH_REDIS</c> (a redis:// URI) when set, otherwise a
/// redis-server this process starts on a free loopback port and stops by its process when the run ends.
/// </summary>
internal sealed class BenchRedis : IDisposable
{
    public const string Variable = "MRQ_BENCH_REDIS";

    private readonly Process? _server;

    private BenchRedis(string uri, Process? server)
    {
        Uri = uri;
        _server = server;
    }

    public string Uri { get; }

    /// <summary>The URI benchmark processes read (BenchmarkDotNet children inherit the environment).</summary>
    public static string? FromEnvironment() => Environment.GetEnvironmentVariable(Variable);

    /// <summary>Uses or starts a server; null (with <paramref name="why"/>) when none can be had.</summary>
    public static BenchRedis? Start(out string why)
    {
        why = "";
        if (FromEnvironment() is { Length: > 0 } uri)
        {
            return new BenchRedis(uri, null);
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = FreePort();
            Process? server;
            try
            {
                server = Process.Start(new ProcessStartInfo("redis-server")
                {
                    ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                });
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                why = $"redis-server could not be started ({e.Message}); install it (apt-get install -y redis-server) or set {Variable}=redis://host:port";
                return null;
            }

            if (server is null)
            {
                continue;
            }

            server.OutputDataReceived += static (_, _) => { };
            server.BeginOutputReadLine();
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(5) && !server.HasExited)
            {
                if (Accepts(port))
                {
                    var found = $"redis://127.0.0.1:{port}";
                    Environment.SetEnvironmentVariable(Variable, found);
                    return new BenchRedis(found, server);
                }

                Thread.Sleep(50);
            }

            Stop(server);
        }

        why = "redis-server did not start";
        return null;
    }

    public void Dispose()
    {
        if (_server is not null)
        {
            Stop(_server);
        }
    }

    private static void Stop(Process server)
    {
        try
        {
            if (!server.HasExited)
            {
                server.Kill();
                server.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        server.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
