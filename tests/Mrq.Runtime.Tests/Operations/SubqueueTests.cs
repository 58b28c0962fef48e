using Mrq.Configuration;
using Mrq.Tests.Support;
using Mrq.Tests.Worker;

namespace Mrq.Tests.Operations;

/// <summary>Regular subqueues (MRQ's test_matchable_subqueues, test_unmatchable_subqueues, test_refresh_interval).</summary>
public sealed class SubqueueTests
{
    [Fact]
    public async Task A_worker_on_main_slash_runs_the_subqueues_of_main_only()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var queues = new[] { "main/a", "main/a/b", "main/z", "main", "main_", "/main", "other", "prefix/main/x" };
        var ids = queues.Select((q, n) => (Queue: q, Id: harness.Client.Enqueue(Tasks.Record.Job(log: log, n: n).OnQueue(q)))).ToArray();

        var summary = await harness.RunAsync(WorkerHarness.Burst(greenlets: 2), "main/");

        Assert.Equal(3, summary.DoneJobs);
        foreach (var (queue, id) in ids)
        {
            var expected = queue.StartsWith("main/", StringComparison.Ordinal) ? JobStatus.Success : JobStatus.Queued;
            Assert.Equal(expected, (await harness.Store.GetAsync(id))!.Status);
        }
    }

    [Fact]
    public async Task A_subqueue_that_appears_later_is_found_at_the_next_refresh()
    {
        await using var harness = new WorkerHarness();
        using var stop = new CancellationTokenSource();
        var settings = new MrqSettings { Greenlets = 1, MaxLatency = 0.05, SubqueuesRefreshInterval = 0.1 };
        var run = harness.RunAsync(settings, stop.Token, default, "main/");

        var late = harness.Client.Enqueue(Tasks.Sleep.Job(ms: 1).OnQueue("main/late"));
        await Eventually.TrueAsync(async () => (await harness.Store.GetAsync(late))!.Status == JobStatus.Success, TimeSpan.FromSeconds(60), "the new subqueue was not found");
        await stop.CancelAsync();
        await run;
    }
}
