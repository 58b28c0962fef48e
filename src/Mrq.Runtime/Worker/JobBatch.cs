namespace Mrq.Worker;

/// <summary>
/// A claimed batch on the thread pool. One runner per core takes the batch's jobs one after the other, instead of one
/// work item (and often one thread wake-up) per job: profiles of no-op jobs put that hand-off at 15–20% of the worker's
/// time (docs/benchmarks.md). A job holds its runner only until its first await, so async jobs all start at once. When
/// jobs that block or compute hold up the runners (jobs still waiting 20 ms after the batch was handed out), one more
/// runner per waiting job is queued, so no job waits long behind another.
/// </summary>
internal sealed class JobBatch : IThreadPoolWorkItem
{
    private static readonly TimeSpan s_compensateAfter = TimeSpan.FromMilliseconds(20);

    private readonly RunningJob[] _jobs;
    private readonly Func<RunningJob, Task> _run;
    private readonly Timer? _compensation;
    private int _next;

    private JobBatch(RunningJob[] jobs, Func<RunningJob, Task> run)
    {
        _jobs = jobs;
        _run = run;
        if (jobs.Length > Runners(jobs.Length))
        {
            using (ExecutionContext.SuppressFlow())
            {
                _compensation = new Timer(static state => ((JobBatch)state!).Compensate(), this, s_compensateAfter, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Hands <paramref name="jobs"/> to the thread pool; <paramref name="run"/> runs one job (it must not throw).</summary>
    public static void Start(RunningJob[] jobs, Func<RunningJob, Task> run)
    {
        var batch = new JobBatch(jobs, run);
        for (var runners = Runners(jobs.Length); runners > 0; runners--)
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
            if (index == _jobs.Length - 1)
            {
                // Every job is taken: nothing left to compensate for.
                _compensation?.Dispose();
            }

            _ = _run(_jobs[index]);
        }
    }

    private static int Runners(int jobs) => Math.Min(jobs, Environment.ProcessorCount);

    private void Compensate()
    {
        for (var waiting = _jobs.Length - Volatile.Read(ref _next); waiting > 0; waiting--)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }
}
