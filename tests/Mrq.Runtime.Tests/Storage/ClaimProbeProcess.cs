using System.Diagnostics;

namespace Mrq.Tests.Storage;

/// <summary>
/// Runs tests/Mrq.Tests.ClaimProbe (built with this test project, not referenced by it) as a child process with
/// <c>dotnet Mrq.Tests.ClaimProbe.dll</c> and collects the ids it prints.
/// </summary>
internal sealed class ClaimProbeProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _errors = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClaimProbeProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The probe's dll: its own build output for this test assembly's configuration and framework.</summary>
    public static string DllPath { get; } = LocateDll();

    public static ClaimProbeProcess Start(string dbFile, string queue, string workerId, int minBatch, int maxBatch, string goFile)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { DllPath, dbFile, queue, workerId, minBatch.ToString(System.Globalization.CultureInfo.InvariantCulture), maxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture), goFile })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = info };
        var probe = new ClaimProbeProcess(process);
        process.OutputDataReceived += (_, e) => probe.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (probe._errors)
                {
                    probe._errors.Add(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return probe;
    }

    /// <summary>Waits until the probe has opened the store and waits for the go file.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var finished = await Task.WhenAny(_ready.Task, exited, Task.Delay(timeout));
        if (finished != _ready.Task)
        {
            throw new InvalidOperationException($"The claim probe did not get ready.\n{Describe()}");
        }
    }

    /// <summary>Waits for the probe to exit successfully and returns the ids it claimed, in claim order.</summary>
    public async Task<List<JobId>> WaitForIdsAsync(TimeSpan timeout)
    {
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                // Also waits for the redirected streams to reach their end.
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The claim probe did not exit within {timeout}.\n{Describe()}");
            }
        }

        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The claim probe exited with {_process.ExitCode}.\n{Describe()}");
        }

        var ids = new List<JobId>();
        var done = -1;
        lock (_lines)
        {
            foreach (var line in _lines)
            {
                if (line.StartsWith("#done ", StringComparison.Ordinal))
                {
                    done = int.Parse(line.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (!line.StartsWith('#'))
                {
                    ids.Add(JobId.Parse(line));
                }
            }
        }

        return done == ids.Count ? ids : throw new InvalidOperationException($"The claim probe reported {done} jobs but printed {ids.Count}.");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line == "#ready")
        {
            _ready.TrySetResult();
        }

        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    private string Describe()
    {
        lock (_errors)
        {
            return $"{DllPath}\nstderr:\n{string.Join('\n', _errors)}";
        }
    }

    private static string LocateDll()
    {
        // This assembly runs from tests/Mrq.Runtime.Tests/bin/<Configuration>/<framework>/; the probe builds to
        // tests/Mrq.Tests.ClaimProbe/bin/<Configuration>/<framework>/.
        var output = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var framework = Path.GetFileName(output);
        var configuration = Path.GetFileName(Path.GetDirectoryName(output));
        for (var dir = new DirectoryInfo(output); dir is not null; dir = dir.Parent)
        {
            var project = Path.Combine(dir.FullName, "tests", "Mrq.Tests.ClaimProbe");
            if (Directory.Exists(project))
            {
                var dll = Path.Combine(project, "bin", configuration ?? "Debug", framework, "Mrq.Tests.ClaimProbe.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"The claim probe is not built at {dll}; build tests/Mrq.Runtime.Tests.", dll);
            }
        }

        throw new DirectoryNotFoundException($"tests/Mrq.Tests.ClaimProbe not found above {output}.");
    }

    // The muxer running this test host when it is `dotnet`, else the one the SDK names, else dotnet on the PATH.
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        var sdkHost = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(sdkHost) && File.Exists(sdkHost) ? sdkHost : "dotnet";
    }
}
