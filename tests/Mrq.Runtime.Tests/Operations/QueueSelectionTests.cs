using Mrq.Configuration;
using Mrq.Tests.Worker;

namespace Mrq.Tests.Operations;

/// <summary>
/// Which jobs a worker takes: <c>_reverse</c> queues (LIFO), task whitelists and blacklists, and <c>max_time</c>
/// (MRQ's test_general_simple_task_reverse, test_general_task_whitelist/blacklist, test_worker_interrupt_after_max_time).
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
}
