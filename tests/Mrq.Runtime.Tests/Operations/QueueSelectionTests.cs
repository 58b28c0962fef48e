using Mrq.Configuration;
using Mrq.Tests.Worker;

namespace Mrq.Tests.Operations;

/// <summary>
/// Which jobs a worker takes: <c>_reverse</c> queues (LIFO), task whitelists and blacklists, and <c>max_time</c>
/// (MRQ's test_general_simple_task_reverse, test_general_task_whitelist/blacklist, test_worker_interrupt_after_max_time),
/// and the sequential order when more slots are free than one claim takes.
/// </summary>
public sealed class QueueSelectionTests
{
    [Fact]
    public async Task A_reverse_queue_runs_the_newest_jobs_first()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        foreach (var n in new[] { 1, 2, 3, 4 })
        {
            harness.Client.Enqueue(Tasks.Record.Job(log: log, n: n));
        }

        await harness.RunAsync(WorkerHarness.Burst(greenlets: 1), "default_reverse");

        Assert.Equal([4, 3, 2, 1], ExecutionLog.For(log));
    }

    [Theory]
    [InlineData(new[] { "tests.worker.Record" }, null)]
    [InlineData(null, new[] { "tests.worker.Raise" })]
    [InlineData(new[] { "tests.worker.Record" }, new[] { "tests.worker.Record" })]
    public async Task Jobs_of_tasks_outside_the_whitelist_or_in_the_blacklist_stay_queued(string[]? whitelist, string[]? blacklist)
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var excluded = harness.Client.Enqueue(Tasks.Raise.Job(message: "not for this worker"));
        var included = harness.Client.EnqueueMany([Tasks.Record.Job(log: log, n: 1), Tasks.Record.Job(log: log, n: 2)]);

        var settings = WorkerHarness.Burst(greenlets: 2);
        settings.TaskWhitelist = whitelist;
        settings.TaskBlacklist = blacklist;
        var summary = await harness.RunAsync(settings, "default");

        Assert.Equal(2, summary.DoneJobs);
        Assert.Equal(JobStatus.Queued, (await harness.Store.GetAsync(excluded))!.Status);
        foreach (var id in included)
        {
            Assert.Equal(JobStatus.Success, (await harness.Store.GetAsync(id))!.Status);
        }
    }

    [Fact]
    public async Task Max_time_stops_dequeuing_and_lets_the_running_jobs_finish()
    {
        await using var harness = new WorkerHarness();
        var ids = harness.Client.EnqueueMany(Enumerable.Range(0, 5).Select(_ => Tasks.Sleep.Job(ms: 1500)).ToArray());

        var summary = await harness.RunAsync(new MrqSettings { Greenlets = 2, MaxTime = 0.5, MaxLatency = 0.05 }, "default");

        Assert.Equal(Mrq.Processing.WorkerStopReason.MaxTime, summary.StopReason);
        Assert.Equal(2, summary.DoneJobs);
        Assert.Equal(2, await harness.Store.CountAsync("default", JobStatus.Success));
        Assert.Equal(3, await harness.Store.CountAsync("default", JobStatus.Queued));
    }

    [Fact]
    public async Task More_free_slots_than_one_claim_takes_are_filled_from_the_first_queue_first()
    {
        await using var harness = new WorkerHarness();
        harness.Client.EnqueueMany(Enumerable.Range(0, 150).Select(_ => Tasks.Sleep.Job(ms: 120_000).OnQueue("first")).ToArray());
        harness.Client.EnqueueMany(Enumerable.Range(0, 50).Select(_ => Tasks.Sleep.Job(ms: 120_000).OnQueue("second")).ToArray());
        using var stop = new CancellationTokenSource();
        using var interrupt = new CancellationTokenSource();

        // 100 slots: more than one claim takes (DequeueLoop.ChunkSize), so they fill over several passes, each of which
        // must start from the first queue again.
        var worker = harness.RunAsync(new MrqSettings { Greenlets = 100, MaxLatency = 0.05 }, stop.Token, interrupt.Token, "first", "second");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await StartedAsync() < 100 && !worker.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(100, await harness.Store.CountAsync("first", JobStatus.Started));
        Assert.Equal(50, await harness.Store.CountAsync("second", JobStatus.Queued));

        await interrupt.CancelAsync();
        await stop.CancelAsync();
        await worker;

        async Task<long> StartedAsync() =>
            await harness.Store.CountAsync("first", JobStatus.Started) + await harness.Store.CountAsync("second", JobStatus.Started);
    }
}
