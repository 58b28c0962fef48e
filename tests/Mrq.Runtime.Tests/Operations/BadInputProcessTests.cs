using Mrq.Infrastructure;
using Mrq.Serialization;
using Mrq.Tests.Broker;
using Mrq.Tests.Support;

namespace Mrq.Tests.Operations;

/// <summary>
/// Bad input seen from real processes of tests/Mrq.Tests.WorkerHost: params that cannot be read, huge raw params and
/// logs, failures that are stored whole, unknown config keys, and <c>run</c> of a task that does not succeed. Raw queues
/// run on the embedded broker and on a real redis-server.
/// </summary>
[Collection(RedisServerCollection.Name)]
public sealed class BadInputProcessTests(RedisServerFixture redis)
{
    private const string Shipment = """
        {"shipment": {"To": {"City": "Lyon"}, "Parcels": [{"Sku": "a", "Quantity": 2}]},
         "due": "2026-12-04T20:30:00Z", "placed": "2026-12-04T21:30:00+01:00", "carrier": "courier",
         "tracking": "0f8fad5b-d9cb-469f-a165-70867728950e", "weight": null}
        """;

    private static JobRequest Job(string path, string json) => new(path, MessagePackJson.FromJson(json), "default");

    [Fact]
    public async Task A_job_with_params_it_cannot_read_fails_with_a_json_message_and_the_worker_runs_the_rest()
    {
        await using var host = new HostEnvironment();
        var good = host.Client.Enqueue(Job("host.Shipment", Shipment));
        var badMember = host.Client.Enqueue(Job("host.Shipment", Shipment.Replace("\"Quantity\": 2", "\"Quantity\": \"two\"", StringComparison.Ordinal)));
        var unknown = host.Client.Enqueue(Job("host.Sleep", """{"ms": 1, "msec": 2}"""));
        var truncated = host.Client.Enqueue(new JobRequest("host.Sleep", new byte[] { 0x81, 0xA2, (byte)'m', (byte)'s', 0xCD, 0x01 }, "default"));

        using var worker = host.StartWorker("default", "--dequeue_strategy", "burst");
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));

        Assert.Equal(JobStatus.Success, (await host.GetAsync(good)).Status);
        Assert.Equal(
            "\"Lyon:1:2026-12-04T20:30:00.0000000Z:2026-12-04T20:30:00.0000000Z:Courier:0f8fad5b-d9cb-469f-a165-70867728950e:null\"",
            MessagePackJson.ToJson((await host.GetAsync(good)).Result!.Value));

        var member = await host.GetAsync(badMember);
        Assert.Equal(JobStatus.Failed, member.Status);
        Assert.Equal(typeof(MrqParamsException).FullName, member.ExceptionType);
        Assert.Contains(
            "at shipment.Parcels[0].Quantity: expected a JSON integer (Int32), got the JSON string \"two\"",
            member.Traceback, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Failed, Assert.Single(member.TracebackHistory).Status);

        var extra = await host.GetAsync(unknown);
        Assert.Equal(JobStatus.Failed, extra.Status);
        Assert.Contains("unknown param \"msec\" (the task's params are ms)", extra.Traceback, StringComparison.Ordinal);

        var cut = await host.GetAsync(truncated);
        Assert.Equal(JobStatus.Failed, cut.Status);
        Assert.Contains("truncated", cut.Traceback, StringComparison.Ordinal);
        Assert.DoesNotContain("msgpack", worker.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_huge_raw_param_the_factory_rejects_is_kept_whole_but_logged_and_traced_within_the_limits(bool onRedis)
    {
        await using var host = new HostEnvironment();
        var huge = new string('x', 10 * 1024 * 1024);
        var flags = await EnqueueRawAsync(host, onRedis, "host_numbers_raw", huge, "1");

        using var worker = host.StartWorker(["host_numbers_raw", "--dequeue_strategy", "burst", .. flags]);
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));

        Assert.True(worker.StandardError.Length < 64 * 1024, $"The worker logged {worker.StandardError.Length} characters.");
        var jobs = await JobsInDatabase.ReadAllAsync(host.DatabasePath);
        var rejected = Assert.Single(jobs, j => j.Status == JobStatus.Failed);
        Assert.Contains(jobs, j => j.Status == JobStatus.Success);
        Assert.InRange(rejected.Traceback!.Length, 1, ValueText.MaxTracebackLength + 100);
        Assert.Contains("characters cut]", rejected.Traceback, StringComparison.Ordinal);
        var entry = Assert.Single(rejected.TracebackHistory);
        Assert.Equal((JobStatus.Failed, rejected.Traceback), (entry.Status, entry.Traceback));
        Assert.Equal(huge, MessagePackJson.MapToJsonEntries(rejected.Params)["raw"].Trim('"'));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failure_on_a_statuses_no_storage_queue_is_stored_with_its_traceback_history(bool onRedis)
    {
        await using var host = new HostEnvironment();
        var flags = await EnqueueRawAsync(host, onRedis, "host_failing_nostorage_raw", "boom");

        using var worker = host.StartWorker(["host_failing_nostorage_raw", "--dequeue_strategy", "burst", .. flags]);
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));

        var job = Assert.Single(await JobsInDatabase.ReadAllAsync(host.DatabasePath));
        Assert.Equal(JobStatus.Failed, job.Status);
        var entry = Assert.Single(job.TracebackHistory);
        Assert.Equal(JobStatus.Failed, entry.Status);
        Assert.Equal("System.InvalidOperationException", entry.ExceptionType);
        Assert.Contains("boom", entry.Traceback, StringComparison.Ordinal);
        Assert.NotNull(entry.Worker);
    }

    [Fact]
    public async Task Job_logs_are_cut_at_the_limit_with_a_marker()
    {
        await using var host = new HostEnvironment();
        var id = host.Client.Enqueue(Job("host.LogMuch", """{"lines": 40, "length": 50000}"""));

        using var worker = host.StartWorker("default", "--dequeue_strategy", "burst");
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));

        Assert.Equal(JobStatus.Success, (await host.GetAsync(id)).Status);
        var logs = await host.Client.GetLogsAsync(id);
        Assert.InRange(logs.Length, ValueText.MaxJobLogLength, ValueText.MaxJobLogLength + 100);
        Assert.Contains("characters cut]", logs, StringComparison.Ordinal);
        Assert.True(worker.StandardError.Length < 40 * (ValueText.MaxLogLineLength + 200), $"The worker logged {worker.StandardError.Length} characters.");
    }

    [Theory]
    [InlineData("""{"GREENLET": 5}""", "GREENLET in mrq-config.json: unknown key (did you mean GREENLETS?)")]
    [InlineData("""{"DEQUEUE_STRATEGY": "burst", "TASK": {}}""", "TASK in mrq-config.json: unknown key (did you mean TASKS?)")]
    [InlineData("""{"dequeue_strategi": "burst"}""", "unknown key (did you mean DEQUEUE_STRATEGY?)")]
    public async Task An_unknown_config_key_stops_the_program_with_the_closest_known_key(string config, string message)
    {
        await using var host = new HostEnvironment();
        await host.WriteConfigAsync(config);

        using var worker = host.StartWorker("default");
        Assert.Equal(2, await worker.WaitForExitAsync(HostEnvironment.Wait));
        Assert.Contains(message, worker.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_flag_names_the_closest_known_one()
    {
        await using var host = new HostEnvironment();
        using var worker = ChildProcess.StartWorkerHost(host.Directory, "worker", "default", "--greenlet", "2");
        Assert.Equal(2, await worker.WaitForExitAsync(HostEnvironment.Wait));
        Assert.Contains("--greenlet: unknown option (did you mean --greenlets?)", worker.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("host.Fail", """{"message": "xyz"}""", "ended failed: System.InvalidOperationException", "xyz")]
    [InlineData("host.Abort", "{}", "ended abort: Mrq.JobAbortException", "JobAbortException")]
    [InlineData("host.RetryOnce", """{"delay": 5}""", "ended retry: Mrq.JobRetryException", "JobRetryException")]
    public async Task Run_of_a_task_that_does_not_succeed_prints_its_traceback_and_exits_1(string path, string parameters, string status, string traceback)
    {
        await using var host = new HostEnvironment();
        using var run = ChildProcess.StartWorkerHost(host.Directory, "run", path, parameters);

        Assert.Equal(1, await run.WaitForExitAsync(HostEnvironment.Wait));
        Assert.Contains(status, run.StandardError, StringComparison.Ordinal);
        Assert.Contains(traceback, run.StandardError, StringComparison.Ordinal);
        Assert.Contains("   at ", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.StandardError, StringComparison.Ordinal);
        Assert.Equal("", run.StandardOutput.Trim());
    }

    [Fact]
    public async Task Run_reads_every_json_form_of_params()
    {
        await using var host = new HostEnvironment();
        using var run = ChildProcess.StartWorkerHost(host.Directory, "run", "host.Shipment", Shipment.Replace("\"weight\": null", "\"weight\": 3", StringComparison.Ordinal));

        Assert.Equal(0, await run.WaitForExitAsync(HostEnvironment.Wait));
        Assert.Equal(
            "\"Lyon:1:2026-12-04T20:30:00.0000000Z:2026-12-04T20:30:00.0000000Z:Courier:0f8fad5b-d9cb-469f-a165-70867728950e:3\"",
            run.StandardOutput.Trim());
    }

    [Theory]
    [InlineData("\"due\": \"2026-12-04T20:30:00Z\"", "\"due\": 1764880200", "Param 'due' (System.DateTime) of task 'host.Shipment': expected an ISO 8601 date string")]
    [InlineData("\"carrier\": \"courier\"", "\"carrier\": \"pigeon\"", "expected one of the names Post, Courier (any case) or a number (Carrier), got the JSON string \"pigeon\"")]
    [InlineData("\"tracking\": \"0f8fad5b-d9cb-469f-a165-70867728950e\"", "\"tracking\": \"nope\"", "Param 'tracking' (System.Guid) of task 'host.Shipment': expected a Guid string")]
    [InlineData("\"To\": {\"City\": \"Lyon\"}", "\"To\": {\"city\": \"Lyon\"}", "at shipment.To: unknown member \"city\" (the members are City, Street)")]
    [InlineData("\"To\": {\"City\": \"Lyon\"}", "\"Note\": \"n\"", "at shipment.To: expected a JSON object (Mrq.Tests.WorkerHost.Address), but the member is missing")]
    [InlineData("{\"Sku\": \"a\", \"Quantity\": 2}", "{\"Sku\": \"a\"}", "at shipment.Parcels[0].Quantity: expected a JSON integer (int), but the member is missing")]
    [InlineData("\"weight\": null", "\"weight\": null, \"wieght\": 1", "unknown param \"wieght\" (the task's params are shipment, due, placed, carrier, tracking, weight)")]
    [InlineData("\"shipment\": {", "\"shipment\": null, \"x\": {", "Param 'shipment' (Mrq.Tests.WorkerHost.Shipment) of task 'host.Shipment': expected a JSON object (Mrq.Tests.WorkerHost.Shipment), got null")]
    public async Task Run_with_params_it_cannot_read_exits_2_naming_the_param_the_path_and_the_expected_json(string replace, string with, string message)
    {
        await using var host = new HostEnvironment();
        using var run = ChildProcess.StartWorkerHost(host.Directory, "run", "host.Shipment", Shipment.Replace(replace, with, StringComparison.Ordinal));

        Assert.Equal(2, await run.WaitForExitAsync(HostEnvironment.Wait));
        Assert.Contains(message, run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("msgpack", run.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    // Pushes raw params on the embedded broker, or on the redis-server under a fresh prefix; returns the worker's flags.
    private async Task<string[]> EnqueueRawAsync(HostEnvironment host, bool onRedis, string queue, params string[] items)
    {
        string[] flags = onRedis
            ? ["--redis", $"redis://127.0.0.1:{redis.Port}", "--redis_prefix", "badinput" + Guid.NewGuid().ToString("N")]
            : [];
        var client = onRedis
            ? (StoreClient)MrqClient.Create(new() { EmbeddedDb = host.DatabasePath, Redis = flags[1], RedisPrefix = flags[3] })
            : host.Client;
        try
        {
            await client.EnqueueRawAsync(queue, items.Select(static i => new RawParam(i)).ToArray());
        }
        finally
        {
            if (client != host.Client)
            {
                await client.DisposeAsync();
            }
        }

        return flags;
    }
}
