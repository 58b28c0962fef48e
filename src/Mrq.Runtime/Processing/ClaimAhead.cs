using System.Diagnostics;

namespace Mrq.Processing;

/// <summary>
/// How many jobs of a regular queue the worker loop may claim beyond its free greenlets: as many as its greenlets are
/// expected to free within <see cref="Horizon"/>, measured from the jobs done lately, and at most half of the
/// greenlets. Those jobs wait in the <see cref="GreenletPool"/> and each starts on the thread of the job whose end frees
/// a greenlet, instead of after the loop's next store call: hundreds of I/O-bound jobs whose timers fire on the same
/// tick free their greenlets faster than one claim per pass refills them (docs/benchmarks.md, "Claiming ahead").
/// </summary>
/// <remarks>
/// <c>greenlets</c> still bounds the jobs running at once. A job claimed ahead is <c>started</c> in the store like a
/// running job, so a crash recovers it the same way, and it waits about <see cref="Horizon"/> at most for its greenlet.
/// Jobs that take seconds free greenlets too slowly for any claim ahead; when short jobs are followed by long ones, a job
/// claimed ahead that has waited <see cref="LongestWait"/> goes back to its queue (<see cref="WorkerMonitor"/>), so it
/// is not held back while another worker could run it.
/// </remarks>
internal sealed class ClaimAhead(int greenlets)
{
    /// <summary>How far ahead the claims look: two of the runtime's 4 ms timer ticks, in which timers of I/O-bound jobs end together.</summary>
    internal static readonly TimeSpan Horizon = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long a job claimed ahead may wait for a greenlet before the monitor hands it back to its queue: the jobs on
    /// every greenlet may turn out long (a queue that mixes short and long jobs), and another worker may be idle.
    /// </summary>
    internal static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(1);

    /// <summary>How long the rate of freed greenlets is measured before the allowance changes.</summary>
    internal static readonly TimeSpan Window = TimeSpan.FromMilliseconds(10);

    private static readonly long s_windowTicks = (long)(Window.TotalSeconds * Stopwatch.Frequency);
    private static readonly double s_horizonTicks = Horizon.TotalSeconds * Stopwatch.Frequency;

    private readonly int _most = Most(greenlets);
    private long _windowStart = long.MinValue;
    private long _doneAtWindowStart;

    /// <summary>The jobs currently allowed beyond the free greenlets.</summary>
    public int Allowed { get; private set; }

    /// <summary>The most jobs claimed ahead for <paramref name="greenlets"/> greenlets: half of them.</summary>
    public static int Most(int greenlets) => greenlets / 2;

    /// <summary>
    /// Updates <see cref="Allowed"/> from the jobs done so far (<paramref name="doneJobs"/>) at <paramref name="now"/>
    /// (a <see cref="Stopwatch"/> timestamp), once per <see cref="Window"/>; returns it.
    /// </summary>
    public int Update(long now, long doneJobs)
    {
        if (_windowStart == long.MinValue)
        {
            _windowStart = now;
            _doneAtWindowStart = doneJobs;
            return Allowed;
        }

        var elapsed = now - _windowStart;
        if (elapsed < s_windowTicks)
        {
            return Allowed;
        }

        // Jobs done per tick of the clock, times the horizon: the greenlets expected to free within it.
        var expected = (doneJobs - _doneAtWindowStart) * s_horizonTicks / elapsed;
        Allowed = (int)Math.Min(_most, expected);
        _windowStart = now;
        _doneAtWindowStart = doneJobs;
        return Allowed;
    }
}
