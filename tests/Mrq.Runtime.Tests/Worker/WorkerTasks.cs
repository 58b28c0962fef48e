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


/// <summary>Counts the jobs of one log running at once, and the most seen.</summary>
internal static class OverlapLog
{
    private static readonly ConcurrentDictionary<string, int[]> s_counts = new();

    /// <summary>[running now, most running at once] for <paramref name="log"/>.</summary>
    public static int[] For(string log) => s_counts.GetOrAdd(log, static _ => new int[2]);
}

[MrqTask(Path = "tests.worker.Overlap")]
public sealed class Overlap
{
    public async Task RunAsync(string log, int ms)
    {
        var counts = OverlapLog.For(log);
        var now = Interlocked.Increment(ref counts[0]);
        int most;
        while (now > (most = Volatile.Read(ref counts[1])) && Interlocked.CompareExchange(ref counts[1], now, most) != most)
        {
        }

        await Task.Delay(ms);
        Interlocked.Decrement(ref counts[0]);
    }
}
