using Mrq.Configuration;
using Mrq.Processing;
using Mrq.Redis;
using Mrq.Storage;
using Mrq.Tests.Broker;
using Mrq.Tests.Support;
using Mrq.Tests.Worker;

namespace Mrq.Tests.Operations;

/// <summary>
/// MRQ's test_queue_notify, with MRQ's configuration (<c>notify: true</c> on one queue, now the default for all): an
/// idle worker polling only every 600 s still starts a job enqueued on the queue: it is woken up, and its next pass
/// takes the other queue's job too.
/// </summary>
public abstract class NotifyTests
{
    private protected abstract WorkerHarness CreateHarness();

    [Fact]
    public async Task An_idle_worker_is_woken_up_by_an_enqueue_on_a_notify_queue()
    {
        await using var harness = CreateHarness();
        var config = new MrqSettings();
        config.Extra["QUEUES_CONFIG"] = """{ "withnotify": { "notify": true } }""";
        await using var client = new StoreClient(harness.Store, () => harness.Broker, ownsStores: false, config);

        var settings = new MrqSettings { Greenlets = 1, MaxLatency = 600, ReportInterval = 0.1 };
        settings.Extra["QUEUES_CONFIG"] = config.Extra["QUEUES_CONFIG"];
        using var stop = new CancellationTokenSource();
        var run = harness.RunAsync(settings, stop.Token, default, "withnotify", "withoutnotify");

        // Idle: the first pass found nothing and the worker now waits (600 s unless woken up).
        await Eventually.TrueAsync(async () => (await harness.Store.GetWorkersAsync()).SingleOrDefault()?.Status == WorkerStatus.Wait, TimeSpan.FromSeconds(60), "the worker did not become idle");
        var without = await client.EnqueueAsync(Tasks.Sleep.Job(ms: 1).OnQueue("withoutnotify"));
        var with = await client.EnqueueAsync(Tasks.Sleep.Job(ms: 1).OnQueue("withnotify"));

        await Eventually.TrueAsync(async () => (await harness.Store.GetAsync(with))!.Status == JobStatus.Success, TimeSpan.FromSeconds(60), "the notify queue's job did not run: no wake-up");

        // Once awake the worker looks at all its queues again: the other job runs too, long before the 600 s poll.
        await Eventually.TrueAsync(async () => (await harness.Store.GetAsync(without))!.Status == JobStatus.Success, TimeSpan.FromSeconds(60), "the worker went back to sleep with a job queued");
        await stop.CancelAsync();
        await run;
    }
}

public sealed class NotifyOnEmbeddedBrokerTests : NotifyTests
{
    private protected override WorkerHarness CreateHarness() => new();
}

[Collection(RedisServerCollection.Name)]
public sealed class NotifyOnRedisTests(RedisServerFixture server) : NotifyTests
{
    private protected override WorkerHarness CreateHarness() =>
        new(new RedisQueueBroker(server.Connection, "mrqtest-" + Guid.NewGuid().ToString("N")));
}
