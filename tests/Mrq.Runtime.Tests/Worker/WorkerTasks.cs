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

/// <summary>
/// A synchronous task that blocks its thread until <c>parties</c> jobs of the same rendezvous are running at once (or
/// 60 s pass): it succeeds only if the worker runs that many blocking jobs side by side.
/// </summary>
[MrqTask(Path = "tests.worker.Rendezvous")]
public sealed class Rendezvous
{
    private static readonly ConcurrentDictionary<string, CountdownEvent> s_meetings = new();

    public int Run(string meeting, int parties)
    {
        var countdown = s_meetings.GetOrAdd(meeting, _ => new CountdownEvent(parties));
        countdown.Signal();
        return countdown.Wait(TimeSpan.FromSeconds(60)) ? parties : throw new TimeoutException($"only {parties - countdown.CurrentCount} of {parties} jobs ran at once");
    }
}
