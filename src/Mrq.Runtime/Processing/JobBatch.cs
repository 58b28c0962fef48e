using System.Collections.Concurrent;

namespace Mrq.Processing;

/// <summary>
/// A claimed batch on the thread pool. One runner per core takes the batch's jobs one after the other, instead of one
/// work item (and often one thread wake-up) per job: profiles of no-op jobs put that hand-off at 15–20% of the worker's
/// time (docs/benchmarks.md). A job holds its runner only until its first await, so async jobs all start at once. When
/// jobs that block or compute hold up the runners (jobs still waiting 20 ms after the batch was handed out), one more
/// runner per waiting job is queued, so no job waits long behind another.
/// </summary>
/// <remarks>
/// One timer per process watches the batches that have more jobs than runners, ticking only while there are some: a
/// timer per batch cost thread wake-ups at thousands of batches a second (docs/benchmarks.md).
/// </remarks>
internal sealed class JobBatch : IThreadPoolWorkItem
{
    private const long CompensateAfterMilliseconds = 20;
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(CompensateAfterMilliseconds);
    private static readonly ConcurrentQueue<JobBatch> s_watched = new();
    private static readonly Lock s_watchLock = new();
    private static readonly Timer s_watch = CreateWatch();
    private static int s_watchArmed;

    private readonly RunningJob[] _jobs;
    private readonly Func<RunningJob, Task> _run;
    private readonly long _started = Environment.TickCount64;
    private int _next;

    private JobBatch(RunningJob[] jobs, Func<RunningJob, Task> run)
    {
        _jobs = jobs;
        _run = run;
    }

    /// <summary>Hands <paramref name="jobs"/> to the thread pool; <paramref name="run"/> runs one job (it must not throw).</summary>
    public static void Start(RunningJob[] jobs, Func<RunningJob, Task> run)
    {
        var batch = new JobBatch(jobs, run);
        var runners = Math.Min(jobs.Length, Environment.ProcessorCount);
        if (jobs.Length > runners)
        {
            Watch(batch);
        }

        for (; runners > 0; runners--)
        {
            ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
        }
    }

    /// <summary>Runs jobs of the batch until none is left to take.</summary>
    public void Execute()
    {
        int index;
        while ((index = Interlocked.Increment(ref _next) - 1) < _jobs.Length)
        {
            _ = _run(_jobs[index]);
        }
    }

    private bool AllTaken => Volatile.Read(ref _next) >= _jobs.Length;

    private void Compensate()
    {
        for (var waiting = _jobs.Length - Volatile.Read(ref _next); waiting > 0; waiting--)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    private static Timer CreateWatch()
    {
        using (ExecutionContext.SuppressFlow())
        {
            return new Timer(static _ => Tick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private static void Watch(JobBatch batch)
    {
        // Queued before arming: a tick that stops the timer re-checks the queue after it is stopped (see Tick).
        s_watched.Enqueue(batch);
        if (Interlocked.CompareExchange(ref s_watchArmed, 1, 0) == 0)
        {
            s_watch.Change(s_tick, s_tick);
        }
    }

    private static void Tick()
    {
        if (!s_watchLock.TryEnter())
        {
            // The previous tick is still at it.
            return;
        }

        try
        {
            var now = Environment.TickCount64;
            for (var count = s_watched.Count; count > 0 && s_watched.TryDequeue(out var batch); count--)
            {
                if (batch.AllTaken)
                {
                    continue;
                }

                if (now - batch._started >= CompensateAfterMilliseconds)
                {
                    batch.Compensate();
                    continue;
                }

                s_watched.Enqueue(batch);
            }

            if (s_watched.IsEmpty)
            {
                // Stop before clearing the flag, so that a batch watched from now on re-arms a stopped timer; then look
                // once more for one watched while stopping.
                s_watch.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                Interlocked.Exchange(ref s_watchArmed, 0);
                if (!s_watched.IsEmpty && Interlocked.CompareExchange(ref s_watchArmed, 1, 0) == 0)
                {
                    s_watch.Change(s_tick, s_tick);
                }
            }
        }
        finally
        {
            s_watchLock.Exit();
        }
    }
}
