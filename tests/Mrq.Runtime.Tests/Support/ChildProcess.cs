using System.Diagnostics;
using System.Text;

namespace Mrq.Tests.Support;

/// <summary>Runs a real child process and captures its output; kills it if it outlives its timeout.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private int _disposed;

    private ChildProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Children must not inherit settings meant for the test process itself.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MRQ_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => Append(child._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(child._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs the sample program (built next to the tests) with <paramref name="arguments"/>.</summary>
    public static ChildProcess StartSample(string workingDirectory, params string[] arguments) =>
        Start("dotnet", [SamplePaths.QueuePerformanceDll, .. arguments], workingDirectory);

    /// <summary>Runs the worker-operations test host (built next to the tests) with <paramref name="arguments"/>.</summary>
    public static ChildProcess StartWorkerHost(string workingDirectory, params string[] arguments) =>
        Start("dotnet", [SamplePaths.WorkerHostDll, .. arguments], workingDirectory);

    /// <summary>Runs the worker-operations test host with <paramref name="arguments"/> and extra environment variables.</summary>
    public static ChildProcess StartWorkerHost(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start("dotnet", [SamplePaths.WorkerHostDll, .. arguments], workingDirectory, environment);

    public bool HasExited => _process.HasExited;

    /// <summary>Sends a signal (<c>INT</c>, <c>TERM</c>, <c>KILL</c>) with the <c>kill</c> command, as a user would.</summary>
    public void Signal(string name) => Send(name, Id);

    /// <summary>Sends a signal to any process with the <c>kill</c> command.</summary>
    public static void Send(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Waits until standard error satisfies <paramref name="condition"/> (the process's log lines).</summary>
    public Task WaitForErrorAsync(Func<string, bool> condition, TimeSpan timeout, string what) =>
        Eventually.TrueAsync(() => Task.FromResult(condition(StandardError)), timeout, () => $"{what}; stderr so far:\n{StandardError}");

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Process did not exit within {timeout}.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        }

        // WaitForExitAsync also waits for the redirected streams to reach end of file.
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }
}
