using Mrq.Storage;
using Mrq.Tests.Support;
using StackExchange.Redis;

namespace Mrq.Tests.Operations;

/// <summary>
/// Wake-ups with no configuration, on real worker processes: an idle worker whose next poll is 600 s away starts a job
/// enqueued on any queue type within the test's wait (so a wake-up started it, not the poll); a job that arrives
/// without a wake-up is still found by the poll; and a worker idle through a Redis restart is woken again afterwards.
/// </summary>
public sealed class WakeupProcessTests
{
    private static readonly Dictionary<string, string> s_noEnvironment = [];

    public static TheoryData<string, bool> QueueTypes => new()
    {
        { "wake", false },
        { "wake", true },
        { "host_mark_raw", false },
        { "host_mark_raw", true },
        { "host_mark_nostorage_raw", false },
        { "host_mark_nostorage_raw", true },
    };

    [Theory]
    [MemberData(nameof(QueueTypes))]
    public async Task An_idle_worker_starts_a_new_job_long_before_its_next_poll(string queue, bool onRedis)
    {
        using var redis = onRedis ? await RestartableRedis.StartAsync() : null;
        await using var env = new HostEnvironment();
        var marks = System.IO.Directory.CreateDirectory(env.File("marks")).FullName;
        var worker = StartIdleWorker(env, queue, redis, maxLatency: "600");
        await WaitUntilIdleAsync(env, worker);

        await using var client = ClientFor(env, redis);
        await EnqueueAsync(client, queue, marks);

        // The wait is far shorter than max_latency: only a wake-up can have started the job in time.
        await Eventually.TrueAsync(() => Task.FromResult(HostJobs.Runs(marks).Count == 1), HostEnvironment.Wait, () => "the idle worker was not woken up:\n" + worker.StandardError);
    }

    [Theory]
    [MemberData(nameof(QueueTypes))]
    public async Task A_job_that_arrives_without_a_wake_up_is_found_by_the_poll(string queue, bool onRedis)
    {
        using var redis = onRedis ? await RestartableRedis.StartAsync() : null;
        await using var env = new HostEnvironment();
        var marks = System.IO.Directory.CreateDirectory(env.File("marks")).FullName;
        var worker = StartIdleWorker(env, queue, redis, maxLatency: "0.5");
        await WaitUntilIdleAsync(env, worker);

        // Straight into the store or the broker: no client, so no wake-up.
        await using var client = ClientFor(env, redis);
        if (RawQueueNames.IsRaw(queue))
        {
            await client.Broker.EnqueueAsync(queue, new[] { new RawItem(marks) });
        }
        else
        {
            var job = HostJobs.Mark(marks, 0, queue);
            await client.Store.EnqueueAsync(new[] { new NewJob(JobId.NewId(), job.Path, queue, job.Params, DateTime.UtcNow) });
        }

        await Eventually.TrueAsync(() => Task.FromResult(HostJobs.Runs(marks).Count == 1), HostEnvironment.Wait, () => "the poll did not find the job:\n" + worker.StandardError);
    }

    [Fact]
    public async Task A_worker_idle_through_a_redis_restart_is_woken_up_afterwards()
    {
        const string Queue = "host_mark_raw";
        using var redis = await RestartableRedis.StartAsync();
        await using var env = new HostEnvironment();
        var marks = System.IO.Directory.CreateDirectory(env.File("marks")).FullName;
        var worker = StartIdleWorker(env, Queue, redis, maxLatency: "600");
        await WaitUntilIdleAsync(env, worker);

        redis.Stop(kill: true);
        await redis.StartAgainAsync();

        // The worker's client subscribes again by itself once it has reconnected; wait for that, not for a time.
        using (var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}"))
        {
            var channel = RedisChannel.Literal("mrq:notify:" + Queue);
            await Eventually.TrueAsync(async () => await probe.GetServers()[0].SubscriptionSubscriberCountAsync(channel) > 0, HostEnvironment.Wait, () => "the worker did not subscribe again:\n" + worker.StandardError);
        }

        await using var client = ClientFor(env, redis);
        await EnqueueAsync(client, Queue, marks);

        await Eventually.TrueAsync(() => Task.FromResult(HostJobs.Runs(marks).Count == 1), HostEnvironment.Wait, () => "the worker was not woken up after the restart:\n" + worker.StandardError);
        Assert.False(worker.HasExited, worker.StandardError);
    }

    private static ChildProcess StartIdleWorker(HostEnvironment env, string queue, RestartableRedis? redis, string maxLatency)
    {
        string[] redisFlags = redis is null ? [] : ["--redis", redis.Uri];
        return env.StartHost(s_noEnvironment, ["worker", queue, "--max_latency", maxLatency, "--report_interval", "0.1", .. redisFlags]);
    }

    /// <summary>Until the worker reports <c>wait</c>: its first pass found nothing, so only a wake-up or the poll starts the next job.</summary>
    private static Task WaitUntilIdleAsync(HostEnvironment env, ChildProcess worker) =>
        Eventually.TrueAsync(
            async () => (await env.Store.GetWorkersAsync()).Any(w => w.Status == WorkerStatus.Wait),
            HostEnvironment.Wait,
            () => "the worker did not become idle:\n" + worker.StandardError);

    private static StoreClient ClientFor(HostEnvironment env, RestartableRedis? redis) =>
        (StoreClient)MrqClient.Create(new() { EmbeddedDb = env.DatabasePath, Redis = redis?.Uri });

    private static async Task EnqueueAsync(StoreClient client, string queue, string marks)
    {
        if (RawQueueNames.IsRaw(queue))
        {
            await client.EnqueueRawAsync(queue, [marks]);
        }
        else
        {
            await client.EnqueueAsync(HostJobs.Mark(marks, 0, queue));
        }
    }
}
