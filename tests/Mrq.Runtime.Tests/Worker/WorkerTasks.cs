using System.Collections.Concurrent;

namespace Mrq.Tests.Worker;

/// <summary>Execution order per test: each test passes its own log name, so parallel tests never mix.</summary>
internal static class ExecutionLog
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<int>> s_logs = new();

    public static ConcurrentQueue<int> For(string log) => s_logs.GetOrAdd(log, static _ => new ConcurrentQueue<int>());
}

[MrqTask(Path = "tests.worker.Record")]
public sealed class Record
{
    public async ValueTask<int> RunAsync(string log, int n, int holdMs = 0)
    {
        ExecutionLog.For(log).Enqueue(n);
        if (holdMs > 0)
        {
            await Task.Delay(holdMs);
        }

        return n;
    }
}

[MrqTask(Path = "tests.worker.Raise")]
public sealed class Raise
{
    public int Run(string message) => throw new InvalidOperationException(message);
}

[MrqTask(Path = "tests.worker.Sleep")]
public sealed class Sleep
{
    public async Task<int> RunAsync(int ms, CancellationToken cancellationToken)
    {
        await Task.Delay(ms, cancellationToken);
        return ms;
    }
}

