using System.Diagnostics;
using Mrq.Processing;

namespace Mrq.Worker.Supervision;

/// <summary>
/// One worker process of a supervisor: started with the supervisor's own command line, stop orders written to its
/// standard input, its standard output and error shared with the supervisor (so its own "Worker spent …" line shows).
/// </summary>
internal sealed class ChildWorker : IDisposable
{
    private readonly Process _process;
    private readonly string _summaryFile;
    private readonly Lock _inputGate = new();

    private ChildWorker(Process process, string summaryFile)
    {
        _process = process;
        _summaryFile = summaryFile;
    }

    public int ProcessId => _process.Id;

    /// <summary>Starts a child running <paramref name="arguments"/> (the supervisor's command line).</summary>
    public static ChildWorker Start(IReadOnlyList<string> arguments)
    {
        var (fileName, prefix) = SelfLaunch.Current();
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        foreach (var argument in prefix.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        var summaryFile = Path.Combine(Path.GetTempPath(), $"mrq-worker-{Environment.ProcessId}-{Guid.NewGuid():N}.summary");
        info.Environment[SupervisorProtocol.IsSubprocessVariable] = "1";
        info.Environment[SupervisorProtocol.SummaryFileVariable] = summaryFile;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start a worker process ({fileName}).");
        return new ChildWorker(process, summaryFile);
    }

    /// <summary>Writes an order to the child; an order to a child that already exited is dropped.</summary>
    public void Send(string order)
    {
        lock (_inputGate)
        {
            try
            {
                _process.StandardInput.WriteLine(order);
                _process.StandardInput.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The child is gone: its exit is handled by whoever waits for it.
            }
        }
    }

    /// <summary>Waits for the child to exit; returns its exit code (128 + the signal number when a signal killed it).</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>The child's own summary, read once it exited; null when it left none (killed).</summary>
    public WorkerRunSummary? TakeSummary()
    {
        var done = SupervisorProtocol.ReadSummary(_summaryFile);
        try
        {
            File.Delete(_summaryFile);
        }
        catch (IOException)
        {
            // A leftover file in the temp directory is harmless.
        }

        return done;
    }

    public void Dispose()
    {
        lock (_inputGate)
        {
            _process.Dispose();
        }
    }
}
