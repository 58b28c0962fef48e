using Mrq.Configuration;
using Mrq.Tests.Support;
using Mrq.Tests.Worker;

namespace Mrq.Tests.Operations;

/// <summary>Pause and resume (MRQ's test_pause_resume, test_pause_refresh_interval, test_pause_subqueue).</summary>
public sealed class PauseTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_paused_queue_keeps_its_jobs_queued_until_it_is_resumed()
    {
        await using var harness = new WorkerHarness();
        await harness.Client.PauseQueueAsync("high");
        var high = harness.Client.Enqueue(Tasks.Sleep.Job(ms: 1).OnQueue("high"));
        var sub = harness.Client.Enqueue(Tasks.Sleep.Job(ms: 1).OnQueue("high/sub"));
        var low = harness.Client.Enqueue(Tasks.Sleep.Job(ms: 1).OnQueue("low"));

        using var stop = new CancellationTokenSource();
        var run = harness.RunAsync(Settings(refresh: 0.1), stop.Token, default, "high", "high/sub", "low");
        await WaitForAsync(harness, low, JobStatus.Success);
        Assert.Equal(JobStatus.Queued, (await harness.Store.GetAsync(high))!.Status);
        Assert.Equal(JobStatus.Queued, (await harness.Store.GetAsync(sub))!.Status);

        await harness.Client.ResumeQueueAsync("high/");
        await WaitForAsync(harness, high, JobStatus.Success);
        await WaitForAsync(harness, sub, JobStatus.Success);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task With_a_refresh_interval_of_0_pauses_are_ignored()
    {
        await using var harness = new WorkerHarness();
        await harness.Client.PauseQueueAsync("high");
        harness.Client.Enqueue(Tasks.Sleep.Job(ms: 1).OnQueue("high"));

        var settings = Settings(refresh: 0);
        settings.DequeueStrategy = DequeueStrategy.Burst;
        var summary = await harness.RunAsync(settings, "high");

        Assert.Equal(1, summary.DoneJobs);
    }

    private static MrqSettings Settings(double refresh) => new() { Greenlets = 2, MaxLatency = 0.05, PausedQueuesRefreshInterval = refresh };

    private static Task WaitForAsync(WorkerHarness harness, JobId id, JobStatus status) =>
        Eventually.TrueAsync(async () => (await harness.Store.GetAsync(id))!.Status == status, s_wait, $"job {id} did not reach {status}");
}
