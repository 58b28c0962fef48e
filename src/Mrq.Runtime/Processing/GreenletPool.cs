using System.Collections.Concurrent;

namespace Mrq.Processing;

/// <summary>
/// The worker's greenlets: at most <c>greenlets</c> jobs run at once. A claimed batch starts on the thread pool
/// (<see cref="JobBatch"/>) as far as greenlets are free; jobs claimed ahead (<see cref="ClaimAhead"/>) wait here and
/// each starts on the thread of the job whose end freed its greenlet, without waiting for the worker loop. The job that
/// ends has closed its log scope by then, so the next one starts in the same clean context as a batch's jobs.
/// </summary>
internal sealed class GreenletPool(int greenlets, Func<RunningJob, Task> run)
{
    private readonly ConcurrentQueue<RunningJob> _waiting = new();
    private int _busy;

    // Set while this thread starts waiting jobs: a job that ends before its first await ends inside that call, and the
    // loop already under way takes the next one instead of a nested call (no recursion through synchronous jobs).
    [ThreadStatic]
    private static bool s_starting;

    /// <summary>Greenlets running a job.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Starts <paramref name="jobs"/> on the free greenlets; the rest wait for greenlets to free (worker loop only).</summary>
    public void Start(RunningJob[] jobs)
    {
        var now = TakeGreenlets(jobs.Length);
        if (now == jobs.Length)
        {
            JobBatch.Start(jobs, run);
            return;
        }

        for (var i = now; i < jobs.Length; i++)
        {
            _waiting.Enqueue(jobs[i]);
        }

        if (now > 0)
        {
            JobBatch.Start(jobs[..now], run);
        }

        StartFreedSinceCounted(jobs.Length - now);
    }

    /// <summary>Puts jobs taken with <see cref="TakeWaiting(DateTime)"/> back to wait (their hand-back failed).</summary>
    public void Wait(IReadOnlyList<RunningJob> jobs)
    {
        foreach (var job in jobs)
        {
            _waiting.Enqueue(job);
        }

        StartFreedSinceCounted(jobs.Count);
    }

    /// <summary>
    /// Takes the waiting jobs claimed before <paramref name="claimedBefore"/> (the oldest wait first; a forced stop takes
    /// them all with <see cref="DateTime.MaxValue"/>); they will not start unless put back with <see cref="Wait"/>.
    /// </summary>
    public List<RunningJob> TakeWaiting(DateTime claimedBefore)
    {
        var taken = new List<RunningJob>();
        while (_waiting.TryPeek(out var oldest) && oldest.Job.DateStarted < claimedBefore && _waiting.TryDequeue(out var job))
        {
            // A greenlet may have taken the peeked job meanwhile: the one taken instead is as good to hand back.
            taken.Add(job);
        }

        return taken;
    }

    /// <summary>
    /// After queueing <paramref name="queued"/> jobs: a greenlet may have freed since they were counted, its job finding
    /// nothing waiting then. The caller's thread (the loop, the monitor) must not run a job (one that computes would hold
    /// it up), so those start on the thread pool.
    /// </summary>
    private void StartFreedSinceCounted(int queued)
    {
        var freed = TakeGreenlets(queued);
        if (freed > 0)
        {
            var late = new List<RunningJob>(freed);
            while (late.Count < freed && _waiting.TryDequeue(out var job))
            {
                late.Add(job);
            }

            // Fewer when jobs ending meanwhile started them; jobs queued after this are checked by whoever queues them.
            Interlocked.Add(ref _busy, late.Count - freed);
            if (late.Count > 0)
            {
                JobBatch.Start([.. late], run);
            }
        }
    }

    /// <summary>
    /// A job ended: its greenlet starts the next waiting job, if there is one, on this thread when it is a thread-pool
    /// thread (a job's last await may resume on a library's own I/O thread, which must not run the next job).
    /// </summary>
    public void Ended()
    {
        Interlocked.Decrement(ref _busy);
        if (_waiting.IsEmpty)
        {
            return;
        }

        if (Thread.CurrentThread.IsThreadPoolThread)
        {
            StartWaiting();
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static pool => pool.StartWaiting(), this, preferLocal: false);
        }
    }

    private void StartWaiting()
    {
        if (s_starting || _waiting.IsEmpty)
        {
            return;
        }

        s_starting = true;
        try
        {
            // The greenlet is taken before the job and given back when another thread took the job: whoever queues jobs
            // counts the free greenlets after queueing (StartFreedSinceCounted), so a job queued meanwhile is seen there
            // or here.
            while (!_waiting.IsEmpty && TakeGreenlets(1) == 1)
            {
                if (_waiting.TryDequeue(out var job))
                {
                    _ = run(job);
                }
                else
                {
                    Interlocked.Decrement(ref _busy);
                }
            }
        }
        finally
        {
            s_starting = false;
        }
    }

    /// <summary>Takes up to <paramref name="wanted"/> free greenlets; returns how many it took.</summary>
    private int TakeGreenlets(int wanted)
    {
        while (true)
        {
            var busy = Volatile.Read(ref _busy);
            var taken = Math.Min(wanted, greenlets - busy);
            if (taken <= 0)
            {
                return 0;
            }

            if (Interlocked.CompareExchange(ref _busy, busy + taken, busy) == busy)
            {
                return taken;
            }
        }
    }
}
