using Mrq.Configuration;
using Mrq.Tests.Support;

namespace Mrq.Tests.Worker;

/// <summary>
/// A queue's <c>rate_limit</c> through the real worker engine on a real SQLite file: jobs past the limit wait for the
/// next window, shared by every worker, and a burst worker waits for them instead of stopping. Windows of a year keep
/// "this window" still within a test; windows of a second show the waiting, with no assertion on time.
/// </summary>
public sealed class QueueRateLimitTests
{
    private const int Year = 365 * 24 * 3600;

    private static MrqSettings Limited(string queue, int limit, int per, int greenlets = 4)
    {
        var settings = WorkerHarness.Burst(greenlets);
        settings.Extra["QUEUES_CONFIG"] = $$"""{ "{{queue}}": { "rate_limit": { "limit": {{limit}}, "per": {{per}} } } }""";
        return settings;
    }

    [Fact]
    public async Task Jobs_past_the_limit_stay_queued_and_a_burst_worker_waits_for_the_next_window_instead_of_stopping()
    {
        await using var harness = new WorkerHarness();
        var queue = "limited_" + Guid.NewGuid().ToString("N")[..8];
        harness.Client.EnqueueMany([.. Enumerable.Range(0, 12).Select(n => Tasks.Record.Job(queue, n).OnQueue(queue))]);

        var stillRunning = await RunUntilAsync(harness, 5, Limited(queue, 5, Year), queue);

        var jobs = await harness.AllJobsAsync();
        Assert.True(stillRunning, "a burst worker whose queue is only limited keeps waiting");
        Assert.Equal((5, 7), (jobs.Count(j => j.Status == JobStatus.Success), jobs.Count(j => j.Status == JobStatus.Queued)));
    }

    [Fact]
    public async Task Two_workers_share_one_limit_through_the_broker()
    {
        await using var harness = new WorkerHarness();
        var queue = "shared_" + Guid.NewGuid().ToString("N")[..8];
        harness.Client.EnqueueMany([.. Enumerable.Range(0, 20).Select(n => Tasks.Record.Job(queue, n).OnQueue(queue))]);

        await RunUntilAsync(harness, 7, Limited(queue, 7, Year, greenlets: 3), queue, workers: 2);

        var jobs = await harness.AllJobsAsync();
        Assert.Equal((7, 13), (jobs.Count(j => j.Status == JobStatus.Success), jobs.Count(j => j.Status == JobStatus.Queued)));
    }

    [Fact]
    public async Task A_burst_worker_drains_a_limited_queue_window_after_window_then_stops()
    {
        await using var harness = new WorkerHarness();
        var queue = "windows_" + Guid.NewGuid().ToString("N")[..8];
        harness.Client.EnqueueMany([.. Enumerable.Range(0, 9).Select(n => Tasks.Record.Job(queue, n).OnQueue(queue))]);

        var summary = await harness.RunAsync(Limited(queue, 4, 1), queue);

        Assert.Equal(9, summary.DoneJobs);
        Assert.All(await harness.AllJobsAsync(), j => Assert.Equal(JobStatus.Success, j.Status));
    }

    [Fact]
    public async Task A_raw_queue_pops_no_more_than_its_limit_leaves()
    {
        TestRawQueues.EnsureRegistered();
        await using var harness = new WorkerHarness();
        await harness.Client.EnqueueRawAsync(TestRawQueues.List, [.. Enumerable.Range(0, 6).Select(n => new RawParam("log:" + n))]);

        await RunUntilAsync(harness, 2, Limited(TestRawQueues.List, 2, Year), TestRawQueues.List);

        Assert.Equal(2, (await harness.AllJobsAsync()).Count);
        Assert.Equal(4, await harness.Broker.SizeAsync(TestRawQueues.List));
    }

    [Fact]
    public async Task A_limited_queue_whose_counters_are_on_a_redis_that_restarts_claims_nothing_meanwhile_and_loses_nothing()
    {
        using var redis = await RestartableRedis.StartAsync();
        await using var broker = await Mrq.Redis.RedisQueueBroker.ConnectAsync(redis.Uri, "mrq", TimeSpan.FromSeconds(2));
        await using var harness = new WorkerHarness(broker);
        var queue = "redis_limited_" + Guid.NewGuid().ToString("N")[..8];
        using var stop = new CancellationTokenSource();
        var settings = Limited(queue, 1000, 1);
        settings.DequeueStrategy = DequeueStrategy.Sequential;
        var worker = harness.RunAsync(settings, stop.Token, default, queue);

        harness.Client.EnqueueMany([.. Enumerable.Range(0, 3).Select(n => Tasks.Record.Job(queue, n).OnQueue(queue))]);
        await Eventually.TrueAsync(async () => await SucceededAsync(harness, 3), TimeSpan.FromSeconds(30), () => "the first three jobs ran");
        redis.Stop(kill: true);
        harness.Client.EnqueueMany([.. Enumerable.Range(3, 3).Select(n => Tasks.Record.Job(queue, n).OnQueue(queue))]);
        await Task.Delay(500);
        await redis.StartAgainAsync();
        await Eventually.TrueAsync(async () => await SucceededAsync(harness, 6), TimeSpan.FromSeconds(60), () => "the jobs enqueued during the outage ran once Redis was back");
        var stillRunning = !worker.IsCompleted;
        await stop.CancelAsync();
        await worker;

        Assert.True(stillRunning, "the outage stopped the worker");
        Assert.Equal(6, (await harness.AllJobsAsync()).Count);
    }

    private static async Task<bool> SucceededAsync(WorkerHarness harness, int count) =>
        (await harness.AllJobsAsync()).Count(j => j.Status == JobStatus.Success) >= count;

    /// <summary>
    /// Runs <paramref name="workers"/> workers until <paramref name="successes"/> jobs have succeeded, gives them a
    /// moment to take more if the limit let them, then stops them; whether they were all still running (not stopped by
    /// burst).
    /// </summary>
    private static async Task<bool> RunUntilAsync(WorkerHarness harness, int successes, MrqSettings settings, string queue, int workers = 1)
    {
        using var stop = new CancellationTokenSource();
        var running = Enumerable.Range(0, workers).Select(_ => harness.RunAsync(settings, stop.Token, default, queue)).ToList();
        await Eventually.TrueAsync(
            async () => (await harness.AllJobsAsync()).Count(j => j.Status == JobStatus.Success) == successes,
            TimeSpan.FromSeconds(30),
            () => $"{successes} jobs ran");
        await Task.Delay(300);
        var stillRunning = running.All(w => !w.IsCompleted);
        await stop.CancelAsync();
        await Task.WhenAll(running);
        return stillRunning;
    }
}
