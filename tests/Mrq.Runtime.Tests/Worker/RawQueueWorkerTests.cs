using MessagePack;
using Microsoft.Data.Sqlite;
using Mrq.Configuration;
using Mrq.Redis;
using Mrq.Storage;
using Mrq.Tests.Broker;

namespace Mrq.Tests.Worker;

/// <summary>
/// Raw queues through the worker (MRQ's test_raw): jobs built by the factory, stored as started in one bulk write,
/// statuses_no_storage, and raw params the factory rejects. Run on the embedded broker and on a real redis-server.
/// </summary>
public abstract class RawQueueWorkerTests
{
    protected RawQueueWorkerTests() => TestRawQueues.EnsureRegistered();

    private protected abstract WorkerHarness CreateHarness();

    [Fact]
    public async Task List_jobs_run_in_order_and_are_stored_on_the_retry_queue_with_their_raw_queue()
    {
        await using var harness = CreateHarness();
        var log = Guid.NewGuid().ToString("N");
        harness.Client.EnqueueRaw(TestRawQueues.List, [$"{log}:1", $"{log}:2", $"{log}:3", $"{log}:2"]);

        var summary = await harness.RunAsync(WorkerHarness.Burst(greenlets: 1), TestRawQueues.List);

        Assert.Equal(4, summary.DoneJobs);
        Assert.Equal([1, 2, 3, 2], ExecutionLog.For(log));
        var jobs = await harness.AllJobsAsync();
        Assert.Equal(4, jobs.Count);
        Assert.All(jobs, job =>
        {
            Assert.Equal(JobStatus.Success, job.Status);
            Assert.Equal("tests.worker.Record", job.Path);
            Assert.Equal("tests_retry", job.Queue);
            Assert.Equal(TestRawQueues.List, job.RawQueue);
            Assert.NotNull(job.Worker);
        });
        Assert.Equal(0, await harness.Broker.SizeAsync(TestRawQueues.List));
    }

    [Fact]
    public async Task Set_deduplicates_raw_params()
    {
        await using var harness = CreateHarness();
        var log = Guid.NewGuid().ToString("N");
        harness.Client.EnqueueRaw(TestRawQueues.Set, [$"{log}:1", $"{log}:2", $"{log}:3", $"{log}:2"]);

        var summary = await harness.RunAsync(WorkerHarness.Burst(greenlets: 10), TestRawQueues.Set);

        Assert.Equal(3, summary.DoneJobs);
        Assert.Equal([1, 2, 3], ExecutionLog.For(log).Order());
    }

    [Fact]
    public async Task Dequeue_takes_only_as_many_items_as_free_slots()
    {
        await using var harness = CreateHarness();
        var log = Guid.NewGuid().ToString("N");
        harness.Client.EnqueueRaw(TestRawQueues.List, Enumerable.Range(0, 5).Select(n => (RawParam)$"{log}:{n}").ToArray());

        var summary = await harness.RunAsync(new() { Greenlets = 2, MaxJobs = 2, MaxLatency = 0.05 }, TestRawQueues.List);

        Assert.Equal(2, summary.DoneJobs);
        Assert.Equal(3, await harness.Broker.SizeAsync(TestRawQueues.List));
        Assert.Equal(2, (await harness.AllJobsAsync()).Count);
    }

    [Fact]
    public async Task No_storage_queue_stores_nothing_on_success_and_the_whole_job_on_failure()
    {
        await using var harness = CreateHarness();
        var log = Guid.NewGuid().ToString("N");
        harness.Client.EnqueueRaw(TestRawQueues.NoStorage, [$"{log}:1", $"{log}:fail", $"{log}:2"]);

        var summary = await harness.RunAsync(WorkerHarness.Burst(greenlets: 5), TestRawQueues.NoStorage);

        Assert.Equal(3, summary.DoneJobs);
        Assert.Equal([1, 2], ExecutionLog.For(log).Order());
        var failed = Assert.Single(await harness.AllJobsAsync());
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("tests.worker.Raise", failed.Path);
        Assert.Equal(TestRawQueues.NoStorage, failed.RawQueue);
        Assert.Equal("tests_retry", failed.Queue);
        Assert.Contains("failing on purpose for " + log, failed.Traceback, StringComparison.Ordinal);
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.ExceptionType);
        var entry = Assert.Single(failed.TracebackHistory);
        Assert.Equal((JobStatus.Failed, failed.ExceptionType, failed.Traceback, failed.Worker), (entry.Status, entry.ExceptionType, entry.Traceback, entry.Worker));
    }

    [Fact]
    public async Task A_no_storage_job_retried_on_failure_is_stored_as_a_due_retry_and_runs_again_from_the_retry_queue()
    {
        await using var harness = CreateHarness();
        var log = Guid.NewGuid().ToString("N");
        harness.Client.EnqueueRaw(TestRawQueues.NoStorage, [$"{log}:fail"]);
        var settings = new MrqSettings { MaxJobs = 2, MaxLatency = 0.05 };
        settings.Extra["TASKS"] = """{ "tests.worker.Raise": { "retry_on_failure": 1, "max_retries": 1, "retry_delay": 1 } }""";

        // The first run is stored whole, in retry, with its due date; the worker's maintenance queues it on the retry queue.
        var summary = await harness.RunAsync(settings, TestRawQueues.NoStorage, "tests_retry");

        Assert.Equal(2, summary.DoneJobs);
        var job = Assert.Single(await harness.AllJobsAsync());
        Assert.Equal((JobStatus.Failed, 1, "tests_retry"), (job.Status, job.RetryCount, job.Queue));
        Assert.Equal([JobStatus.Retry, JobStatus.Failed], job.TracebackHistory.Select(e => e.Status));
    }

    [Fact]
    public async Task A_raw_param_the_factory_rejects_becomes_a_failed_job_keeping_the_param_and_the_rest_run()
    {
        await using var harness = CreateHarness();
        var log = Guid.NewGuid().ToString("N");
        harness.Client.EnqueueRaw(TestRawQueues.List, [$"{log}:1", $"{log}:not-a-number", $"{log}:3"]);

        var summary = await harness.RunAsync(WorkerHarness.Burst(greenlets: 3), TestRawQueues.List);

        Assert.Equal(2, summary.DoneJobs);
        Assert.Equal([1, 3], ExecutionLog.For(log).Order());
        var jobs = await harness.AllJobsAsync();
        var rejected = Assert.Single(jobs, j => j.Status == JobStatus.Failed);
        Assert.Equal(typeof(FormatException).FullName, rejected.ExceptionType);
        Assert.Contains($"\"{log}:not-a-number\"", rejected.Traceback, StringComparison.Ordinal);
        var raw = MessagePackSerializer.Deserialize<Dictionary<string, string>>(rejected.Params);
        Assert.Equal($"{log}:not-a-number", raw["raw"]);
        Assert.Equal(2, jobs.Count(j => j.Status == JobStatus.Success));
        var entry = Assert.Single(rejected.TracebackHistory);
        Assert.Equal((JobStatus.Failed, rejected.ExceptionType, rejected.Traceback), (entry.Status, entry.ExceptionType, entry.Traceback));
        Assert.NotNull(entry.Worker);
    }

    [Fact]
    public async Task A_regular_enqueue_onto_a_raw_queue_is_refused()
    {
        await using var harness = CreateHarness();
        var error = Assert.Throws<InvalidOperationException>(() => harness.Client.Enqueue(Tasks.Record.Job(log: "x", n: 1).OnQueue(TestRawQueues.List)));
        Assert.Contains(TestRawQueues.List, error.Message, StringComparison.Ordinal);
    }
}

public sealed class RawQueueWorkerOnEmbeddedBrokerTests : RawQueueWorkerTests
{
    private protected override WorkerHarness CreateHarness() => new();

    [Fact]
    public async Task Embedded_broker_shares_the_job_store_file()
    {
        await using var harness = CreateHarness();
        harness.Client.EnqueueRaw(TestRawQueues.List, ["x:1"]);
        await using var connection = new SqliteConnection($"Data Source={harness.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'mrq_jobs'";
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }
}

[Collection(RedisServerCollection.Name)]
public sealed class RawQueueWorkerOnRedisTests(RedisServerFixture server) : RawQueueWorkerTests
{
    private protected override WorkerHarness CreateHarness() =>
        new(new RedisQueueBroker(server.Connection, "mrqtest-" + Guid.NewGuid().ToString("N")));
}
