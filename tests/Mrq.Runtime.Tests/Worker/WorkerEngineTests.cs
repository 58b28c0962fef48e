using MessagePack;
using Mrq.Configuration;
using Mrq.Processing;

namespace Mrq.Tests.Worker;

/// <summary>The worker loop on a real SQLite file: order, strategies, limits and failures (MRQ's worker tests).</summary>
public sealed class WorkerEngineTests
{
    [Fact]
    public async Task Runs_regular_jobs_in_fifo_order_and_stores_results()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var ids = harness.Client.EnqueueMany(Enumerable.Range(1, 5).Select(n => Tasks.Record.Job(log: log, n: n)).ToArray());

        var summary = await harness.RunAsync(WorkerHarness.Burst(greenlets: 1), "default");

        Assert.Equal(5, summary.DoneJobs);
        Assert.Equal([1, 2, 3, 4, 5], ExecutionLog.For(log));
        for (var i = 0; i < ids.Count; i++)
        {
            var job = (await harness.Store.GetAsync(ids[i]))!;
            Assert.Equal(JobStatus.Success, job.Status);
            Assert.Equal(i + 1, Tasks.Record.GetResult(job));
            Assert.NotNull(job.TotalTime);
            Assert.NotNull(job.DateExpires);
        }
    }

    [Theory]
    [InlineData(DequeueStrategy.Sequential, new[] { 41, 43 })]
    [InlineData(DequeueStrategy.Burst, new[] { 41, 43 })]
    [InlineData(DequeueStrategy.Parallel, new[] { 41, 42 })]
    public async Task Dequeue_strategy_decides_which_queue_gets_the_free_slots(DequeueStrategy strategy, int[] firstWave)
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");

        // Each job holds its slot for a while, so the second wave is dequeued strictly after the first one started.
        JobRequest Job(int n, string queue) => Tasks.Record.Job(log: log, n: n, holdMs: 300).OnQueue(queue);
        var ids = new Dictionary<JobId, int>();
        foreach (var (n, queue) in new[] { (41, "q1"), (43, "q1"), (42, "q2"), (44, "q2"), (45, "q3") })
        {
            ids[harness.Client.Enqueue(Job(n, queue))] = n;
        }

        var settings = new MrqSettings { Greenlets = 2, DequeueStrategy = strategy, MaxJobs = strategy == DequeueStrategy.Burst ? 0 : 4, MaxLatency = 0.05 };
        var summary = await harness.RunAsync(settings, "q1", "q2");

        Assert.Equal(4, summary.DoneJobs);
        var started = (await harness.AllJobsAsync()).Where(j => j.DateStarted is not null).OrderBy(j => j.DateStarted).Select(j => ids[j.Id]).ToArray();
        Assert.Equal(4, started.Length);
        Assert.Equal(firstWave.Order(), started.Take(2).Order());
        Assert.Equal(1, await harness.Store.CountAsync("q3", JobStatus.Queued));
    }

    [Fact]
    public async Task Greenlets_bound_the_running_jobs_while_short_jobs_are_claimed_ahead()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        harness.Client.EnqueueMany(Enumerable.Range(0, 600).Select(_ => Tasks.Overlap.Job(log: log, ms: 1)).ToArray());

        // Jobs of a millisecond on 4 greenlets free several greenlets within ClaimAhead's horizon: the loop claims ahead.
        var summary = await harness.RunAsync(WorkerHarness.Burst(greenlets: 4), "default");

        Assert.Equal(600, summary.DoneJobs);
        Assert.Equal(600, await harness.Store.CountAsync("default", JobStatus.Success));
        Assert.InRange(OverlapLog.For(log)[1], 1, 4);
    }

    [Fact]
    public async Task A_forced_stop_leaves_no_job_started_among_those_claimed_ahead()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        const int total = 20_000;
        harness.Client.EnqueueMany(Enumerable.Range(0, total).Select(_ => Tasks.Overlap.Job(log: log, ms: 2)).ToArray());
        using var stop = new CancellationTokenSource();
        using var interrupt = new CancellationTokenSource();

        var worker = harness.RunAsync(new MrqSettings { Greenlets = 2, MaxLatency = 0.05 }, stop.Token, interrupt.Token, "default");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await harness.Store.CountAsync("default", JobStatus.Success) < 200 && !worker.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await interrupt.CancelAsync();
        await stop.CancelAsync();
        await worker;

        // Running jobs and those waiting for a greenlet alike end interrupted; the rest stay queued.
        Assert.Equal(0, await harness.Store.CountAsync("default", JobStatus.Started));
        var success = await harness.Store.CountAsync("default", JobStatus.Success);
        var interrupted = await harness.Store.CountAsync("default", JobStatus.Interrupt);
        var queued = await harness.Store.CountAsync("default", JobStatus.Queued);
        Assert.True(success >= 200, $"{success} jobs succeeded");
        Assert.Equal(total, success + interrupted + queued);
    }

    [Fact]
    public async Task Jobs_claimed_ahead_behind_long_jobs_go_back_to_the_queue_for_other_workers()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var (longJobs, trailing) = EnqueueShortThenLongThenTrailing(harness, log);
        using var stop = new CancellationTokenSource();
        using var interrupt = new CancellationTokenSource();

        // Short jobs on 8 greenlets: the worker claims some of the next jobs ahead; then every greenlet runs a long job,
        // and those claimed ahead would wait two minutes for one.
        var busy = harness.RunAsync(new MrqSettings { Greenlets = 8, MaxLatency = 0.05 }, stop.Token, interrupt.Token, "default");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await CountAsync(harness, longJobs, JobStatus.Started) < 8 && !busy.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(8, await CountAsync(harness, longJobs, JobStatus.Started));

        // Another worker gets every trailing job: those the busy worker claimed ahead come back within a second or two.
        while (await CountAsync(harness, trailing, JobStatus.Success) < trailing.Count && DateTime.UtcNow < deadline)
        {
            await harness.RunAsync(WorkerHarness.Burst(greenlets: 4), "default");
            await Task.Delay(100);
        }

        Assert.Equal(trailing.Count, await CountAsync(harness, trailing, JobStatus.Success));
        Assert.Equal(8, await CountAsync(harness, longJobs, JobStatus.Started));

        await interrupt.CancelAsync();
        await stop.CancelAsync();
        var summary = await busy;

        // The jobs handed back are not counted as done by the busy worker; the others ran there or on the other worker.
        Assert.Equal(8, await CountAsync(harness, longJobs, JobStatus.Interrupt));
        Assert.True(summary.DoneJobs <= 400 + 8 + trailing.Count, $"{summary.DoneJobs} jobs done");
        Assert.Equal(0, await harness.Store.CountAsync("default", JobStatus.Started));
    }

    [Fact]
    public async Task Jobs_handed_back_wake_an_idle_worker_instead_of_waiting_for_its_poll()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var (longJobs, trailing) = EnqueueShortThenLongThenTrailing(harness, log);
        using var stop = new CancellationTokenSource();
        using var interrupt = new CancellationTokenSource();
        WorkerEngine? busyEngine = null;
        harness.Started = engine => busyEngine ??= engine;
        var busy = harness.RunAsync(new MrqSettings { Greenlets = 8, MaxLatency = 0.05 }, stop.Token, interrupt.Token, "default");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await CountAsync(harness, longJobs, JobStatus.Started) < 8 || await CountAsync(harness, trailing, JobStatus.Started) == 0) && !busy.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        // Every greenlet runs a long job, and some trailing jobs wait on the busy worker, claimed ahead.
        Assert.Equal(8, await CountAsync(harness, longJobs, JobStatus.Started));
        Assert.NotEqual(0, await CountAsync(harness, trailing, JobStatus.Started));

        // The busy worker reports the jobs on its greenlets, not the trailing ones waiting for one.
        var reported = busyEngine!.CurrentReport().Jobs;
        Assert.InRange(reported.Count, 1, 8);
        Assert.DoesNotContain(reported, j => trailing.Contains(j.Id));

        // A worker that polls once a minute: it runs the trailing jobs still queued at once, and those the busy worker
        // claimed ahead when their hand-back wakes it (without the wake-up, they would wait for its next poll).
        var idle = harness.RunAsync(new MrqSettings { Greenlets = 4, MaxLatency = 60 }, stop.Token, interrupt.Token, "default");
        deadline = DateTime.UtcNow.AddSeconds(30);
        var done = 0;
        while ((done = await CountAsync(harness, trailing, JobStatus.Success)) < trailing.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await interrupt.CancelAsync();
        await stop.CancelAsync();
        await Task.WhenAll(busy, idle);
        Assert.Equal(trailing.Count, done);
        Assert.Equal(8, await CountAsync(harness, longJobs, JobStatus.Interrupt));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("status")]
    public async Task A_job_requeued_through_the_client_wakes_an_idle_worker(string selectedBy)
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var job = harness.Client.Enqueue(Tasks.Record.Job(log: log, n: 1));
        Assert.Equal(1, await harness.Client.CancelAsync(JobFilter.ById(job)));
        using var stop = new CancellationTokenSource();

        // A worker that polls once a minute, idle once its first pass found nothing (the job is cancelled).
        var idle = harness.RunAsync(new MrqSettings { Greenlets = 2, MaxLatency = 60 }, stop.Token, default, "default");
        await Task.Delay(500);
        // By status the filter names no queue: only the store knows where the job went back.
        var filter = selectedBy == "id" ? JobFilter.ById(job) : new JobFilter { Statuses = [JobStatus.Cancel] };
        Assert.Equal(1, await harness.Client.RequeueAsync(filter));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await harness.Store.GetAsync(job))!.Status != JobStatus.Success && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await idle;
        Assert.Equal(JobStatus.Success, (await harness.Store.GetAsync(job))!.Status);
    }

    [Fact]
    public async Task Max_jobs_stops_the_worker_and_leaves_the_rest_queued()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        harness.Client.EnqueueMany(Enumerable.Range(0, 12).Select(n => Tasks.Record.Job(log: log, n: n)).ToArray());

        var summary = await harness.RunAsync(new MrqSettings { Greenlets = 2, MaxJobs = 5, MaxLatency = 0.05 }, "default");

        Assert.Equal(5, summary.DoneJobs);
        Assert.Equal(7, await harness.Store.CountAsync("default", JobStatus.Queued));
        Assert.Equal(5, await harness.Store.CountAsync("default", JobStatus.Success));
    }

    [Fact]
    public async Task A_failing_job_stores_its_exception_type_and_traceback_and_the_worker_goes_on()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var failing = harness.Client.Enqueue(Tasks.Raise.Job(message: "xyz"));
        var after = harness.Client.Enqueue(Tasks.Record.Job(log: log, n: 1));

        var summary = await harness.RunAsync(WorkerHarness.Burst(greenlets: 3), "default");

        Assert.Equal(2, summary.DoneJobs);
        var failed = (await harness.Store.GetAsync(failing))!;
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.ExceptionType);
        Assert.Contains("xyz", failed.Traceback, StringComparison.Ordinal);
        Assert.Contains(nameof(Raise.Run), failed.Traceback, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Success, (await harness.Store.GetAsync(after))!.Status);
    }

    [Fact]
    public async Task Many_greenlets_run_jobs_concurrently()
    {
        await using var harness = new WorkerHarness();
        harness.Client.EnqueueMany(Enumerable.Range(0, 40).Select(_ => Tasks.Sleep.Job(ms: 200)).ToArray());

        var summary = await harness.RunAsync(WorkerHarness.Burst(greenlets: 40), "default");

        // 40 sleeps of 0.2 s done one at a time would take 8 s; any concurrency at all shows here without timing asserts
        // on a shared machine: every job was started before the first one finished.
        Assert.Equal(40, summary.DoneJobs);
        var jobs = await harness.AllJobsAsync();
        var lastStart = jobs.Max(j => j.DateStarted!.Value);
        var firstEnd = jobs.Min(j => j.DateUpdated!.Value);
        Assert.True(lastStart <= firstEnd, $"jobs ran one after another: last start {lastStart:O}, first end {firstEnd:O}");
        Assert.All(jobs, j => Assert.Equal(200, MessagePackSerializer.Deserialize<int>(j.Result!.Value)));
    }

    /// <summary>400 short jobs, then 8 jobs of two minutes (one per greenlet of an 8-greenlet worker), then 10 short ones.</summary>
    private static (IReadOnlyList<JobId> LongJobs, IReadOnlyList<JobId> Trailing) EnqueueShortThenLongThenTrailing(WorkerHarness harness, string log)
    {
        harness.Client.EnqueueMany(Enumerable.Range(0, 400).Select(n => Tasks.Record.Job(log: log, n: n, holdMs: 1)).ToArray());
        var longJobs = harness.Client.EnqueueMany(Enumerable.Range(0, 8).Select(_ => Tasks.Sleep.Job(ms: 120_000)).ToArray());
        var trailing = harness.Client.EnqueueMany(Enumerable.Range(0, 10).Select(n => Tasks.Record.Job(log: log, n: 1000 + n)).ToArray());
        return (longJobs, trailing);
    }

    private static async Task<int> CountAsync(WorkerHarness harness, IReadOnlyList<JobId> ids, JobStatus status)
    {
        var count = 0;
        foreach (var id in ids)
        {
            if ((await harness.Store.GetAsync(id))?.Status == status)
            {
                count++;
            }
        }

        return count;
    }
}
