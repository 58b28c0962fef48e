using System.Globalization;
using MessagePack;
using Mrq.Tests.Support;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Mrq.Tests.Operations;

/// <summary>
/// <c>--pipeline_raw_dequeue</c> on a Redis raw queue that stores its jobs, with real worker processes: every raw param
/// becomes exactly one job; a batch popped ahead that no pass takes goes back onto the queue; and a worker killed with
/// SIGKILL mid-drain loses at most the two batches docs/queues.md's safety table allows.
/// </summary>
public sealed class PipelinedRawDequeueTests(ITestOutputHelper output)
{
    private const string Queue = "host_numbered_raw";
    private static readonly IReadOnlyDictionary<string, string> s_noEnvironment = new Dictionary<string, string>();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_pipelined_worker_drains_every_raw_param_exactly_once(bool onRedis)
    {
        // Without Redis the raw queue is on the embedded file: the pop ahead and the store's commit share its writer.
        const int Count = 3000;
        using var redis = onRedis ? await RestartableRedis.StartAsync() : null;
        await using var env = new HostEnvironment();
        await using var client = ClientFor(env, redis);
        await client.EnqueueRawAsync(Queue, Enumerable.Range(0, Count).Select(n => (RawParam)Number(n)).ToArray());

        string[] redisFlags = redis is null ? [] : ["--redis", redis.Uri];
        using var worker = env.StartHost(s_noEnvironment, ["worker", Queue, "--greenlets", "20", "--pipeline_raw_dequeue", "--dequeue_strategy", "burst", .. redisFlags]);
        Assert.True(await worker.WaitForExitAsync(HostEnvironment.Wait) == 0, worker.StandardError);

        var jobs = await JobsInDatabase.ReadAllAsync(env.DatabasePath);
        Assert.All(jobs, job => Assert.Equal(JobStatus.Success, job.Status));
        Assert.Equal(Enumerable.Range(0, Count), jobs.Select(NumberOf).Order());
        Assert.Equal(0, await client.Broker.SizeAsync(Queue));
    }

    [Fact]
    public async Task A_batch_popped_ahead_that_no_pass_takes_goes_back_onto_the_queue_and_still_runs_once()
    {
        // Every greenlet holds its job for 1 s: the batch popped ahead waits past the hold limit and is pushed back.
        const int Count = 12;
        using var redis = await RestartableRedis.StartAsync();
        await using var env = new HostEnvironment();
        await EnqueueAsync(env, redis, Enumerable.Range(0, Count).Select(n => Number(n) + ":1000"));

        using var worker = StartWorker(env, redis, "4", "--dequeue_strategy", "burst");
        Assert.True(await worker.WaitForExitAsync(HostEnvironment.Wait) == 0, worker.StandardError);

        Assert.Contains("taken but not stored back onto " + Queue, worker.StandardError, StringComparison.Ordinal);
        var jobs = await JobsInDatabase.ReadAllAsync(env.DatabasePath);
        Assert.All(jobs, job => Assert.Equal(JobStatus.Success, job.Status));
        Assert.Equal(Enumerable.Range(0, Count), jobs.Select(NumberOf).Order());
        Assert.Empty(await QueueAsync(redis));
    }

    [Fact]
    public async Task A_SIGKILL_mid_drain_loses_at_most_two_batches_and_stores_no_param_twice()
    {
        const int Count = 50_000;
        const int Greenlets = 10;
        using var redis = await RestartableRedis.StartAsync();
        await using var env = new HostEnvironment();
        await EnqueueAsync(env, redis, Enumerable.Range(0, Count).Select(Number));

        using var victim = StartWorker(env, redis, Greenlets.ToString(CultureInfo.InvariantCulture));
        await Eventually.TrueAsync(async () => await env.Store.CountAsync("default", JobStatus.Success) >= 2000, HostEnvironment.Wait, () => "the worker did not get going:\n" + victim.StandardError);
        victim.Signal("KILL");
        await victim.WaitForExitAsync(HostEnvironment.Wait);

        var stored = (await JobsInDatabase.ReadAllAsync(env.DatabasePath)).Select(NumberOf).ToList();
        var queued = (await QueueAsync(redis)).Select(int.Parse).ToList();
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Empty(stored.Intersect(queued));
        var lost = Count - stored.Count - queued.Count;
        output.WriteLine($"{stored.Count} jobs stored, {queued.Count} params still queued, {lost} lost by the SIGKILL (at most {2 * Greenlets} allowed).");
        Assert.InRange(lost, 0, 2 * Greenlets);
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static int NumberOf(JobInfo job) =>
        Convert.ToInt32(MessagePackSerializer.Deserialize<Dictionary<string, object>>(job.Params)["n"], CultureInfo.InvariantCulture);

    private static ChildProcess StartWorker(HostEnvironment env, RestartableRedis redis, string greenlets, params string[] more) =>
        env.StartHost(s_noEnvironment, ["worker", Queue, "--redis", redis.Uri, "--greenlets", greenlets, "--pipeline_raw_dequeue", "--max_latency", "0.05", .. more]);

    private static StoreClient ClientFor(HostEnvironment env, RestartableRedis? redis) =>
        (StoreClient)MrqClient.Create(new() { EmbeddedDb = env.DatabasePath, Redis = redis?.Uri });

    private static async Task EnqueueAsync(HostEnvironment env, RestartableRedis redis, IEnumerable<string> raw)
    {
        await using var client = ClientFor(env, redis);
        await client.EnqueueRawAsync(Queue, raw.Select(r => (RawParam)r).ToArray());
    }

    private static async Task<string[]> QueueAsync(RestartableRedis redis)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}");
        return (await connection.GetDatabase().ListRangeAsync("mrq:q:" + Queue)).Select(v => v.ToString()).ToArray();
    }
}
