namespace Mrq.Benchmarks;

/// <summary>The tutorial's no-op task: squares an integer.</summary>
[MrqTask(Path = "bench.Square", Queue = "square")]
public sealed class Square
{
    public int Run(int n) => n * n;
}

/// <summary>An I/O-bound job: awaits <c>ms</c> milliseconds without holding a thread (the concurrency profile).</summary>
[MrqTask(Path = "bench.Sleep", Queue = "io")]
public sealed class Sleep
{
    private static long s_waits;
    private static long s_waitedTicks;

    /// <summary>How long the awaits really took, on average (a loaded machine's timers and threads fire late).</summary>
    public static TimeSpan AverageWait => s_waits == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Interlocked.Read(ref s_waitedTicks) / Interlocked.Read(ref s_waits));

    public async Task<int> RunAsync(int ms, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Task.Delay(ms, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref s_waitedTicks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
        Interlocked.Increment(ref s_waits);
        return ms;
    }
}
