using System.Diagnostics;

namespace Mrq.Benchmarks;

/// <summary>
/// The latency benchmark's no-op task: records when job <c>n</c> started (a monotonic timestamp) in
/// <see cref="LatencyProbe"/>, which the benchmark compares with the moment its enqueue call returned.
/// </summary>
[MrqTask(Path = "bench.Stamp", Queue = "stamp")]
public sealed class Stamp
{
    public int Run(int n)
    {
        LatencyProbe.Started(n);
        return n;
    }
}

/// <summary>Start and enqueue timestamps of the latency benchmark's jobs, by job number.</summary>
internal static class LatencyProbe
{
    private static long[] s_started = [];
    private static int s_count;

    /// <summary>Forgets every job and makes room for <paramref name="capacity"/> numbers.</summary>
    public static void Reset(int capacity)
    {
        s_started = new long[capacity];
        s_count = 0;
    }

    /// <summary>How many jobs started since the last reset.</summary>
    public static int Count => Volatile.Read(ref s_count);

    public static void Started(int n)
    {
        var started = s_started;
        if ((uint)n < (uint)started.Length)
        {
            started[n] = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref s_count);
        }
    }

    /// <summary>When job <paramref name="n"/> started (0: not yet).</summary>
    public static long StartedAt(int n) => Volatile.Read(ref s_started[n]);
}
