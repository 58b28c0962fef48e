using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Hosting;
using Mrq.Processing;
using Mrq.Tests.Support;

namespace Mrq.Tests.Hosting;

/// <summary>
/// Real Generic Hosts running hosted workers on the embedded store: jobs enqueued through the injected client run, and
/// stopping the host with jobs in flight loses nothing, whether the jobs finish in time or are interrupted.
/// </summary>
[Collection(DefaultClientCollection.Name)]
public sealed class GenericHostWorkerTests
{
    [Fact]
    public async Task Jobs_enqueued_with_the_injected_client_and_the_facade_run_on_the_hosted_worker()
    {
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(directory, (services, _) => services.AddMrqWorker(w => w.Queues = ["hosting"]));
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IMrqClient>();

        var explicitId = Tasks.HostingSquare.Enqueue(client, n: 6);
        var viaJob = await client.EnqueueAsync(Tasks.HostingSquare.Job(n: 7));
        Assert.Same(client, MrqClient.Default);
        var viaDefault = Tasks.HostingSquare.Enqueue(n: 8);

        var results = new List<int>();
        foreach (var id in new[] { explicitId, viaJob, viaDefault })
        {
            results.Add(Tasks.HostingSquare.GetResult(await client.WaitAsync(id, TestHosts.Wait)));
        }

        Assert.Equal([36, 49, 64], results);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_graceful_stop_lets_running_jobs_finish_and_leaves_the_others_queued()
    {
        using var directory = new TempDirectory();
        var gateName = Guid.NewGuid().ToString("N");
        var gate = HostingGates.For(gateName);
        using var host = TestHosts.Build(directory, (services, _) => services.AddMrqWorker(w =>
        {
            w.Queues = ["hosting"];
            w.Greenlets = 2;
        }), shutdownTimeout: TimeSpan.FromMinutes(2));
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IMrqClient>();
        var ids = Enumerable.Range(1, 5).Select(n => Tasks.HostingHold.Enqueue(client, gateName, n)).ToList();
        await Eventually.TrueAsync(() => Task.FromResult(gate.Started == 2), TestHosts.Wait, "two jobs started");

        var stopping = host.StopAsync();
        await Eventually.TrueAsync(
            () => Task.FromResult(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested),
            TestHosts.Wait,
            "the host is stopping");
        Assert.False(stopping.IsCompleted);
        gate.Release();
        await stopping;

        var statuses = await TestHosts.StatusesAsync(directory.File("jobs.db"), ids);
        Assert.Equal(2, statuses.Count(s => s == JobStatus.Success));
        Assert.Equal(3, statuses.Count(s => s == JobStatus.Queued));
        Assert.Equal(2, gate.Started);
    }

    [Fact]
    public async Task Jobs_still_running_when_the_shutdown_timeout_nears_are_interrupted_and_nothing_is_lost()
    {
        using var directory = new TempDirectory();
        var gateName = Guid.NewGuid().ToString("N");
        var gate = HostingGates.For(gateName);
        using var host = TestHosts.Build(directory, (services, _) => services.AddMrqWorker(w =>
        {
            w.Queues = ["hosting"];
            w.Greenlets = 3;
        }), shutdownTimeout: TimeSpan.FromSeconds(4));
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IMrqClient>();
        var ids = Enumerable.Range(1, 5).Select(n => Tasks.HostingHold.Enqueue(client, gateName, n)).ToList();
        await Eventually.TrueAsync(() => Task.FromResult(gate.Started == 3), TestHosts.Wait, "three jobs started");

        // Never released: the jobs only end by the host's shutdown timeout.
        await host.StopAsync();

        var statuses = await TestHosts.StatusesAsync(directory.File("jobs.db"), ids);
        Assert.Equal(3, statuses.Count(s => s == JobStatus.Interrupt));
        Assert.Equal(2, statuses.Count(s => s == JobStatus.Queued));
    }

    [Fact]
    public async Task Each_job_resolves_its_dependencies_from_its_own_scope_and_logs_within_a_job_scope()
    {
        using var directory = new TempDirectory();
        var logs = new ScopeCapturingLoggerProvider();
        using var host = TestHosts.Build(directory, (services, _) =>
        {
            services.AddLogging(l => l.AddProvider(logs));
            services.AddScoped<JobScopedProbe>();
            services.AddMrqWorker(w => w.Queues = ["hosting"]);
        });
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IMrqClient>();

        var first = await client.WaitAsync(Tasks.HostingScoped.Enqueue(client), TestHosts.Wait);
        var second = await client.WaitAsync(Tasks.HostingScoped.Enqueue(client), TestHosts.Wait);
        var hold = await client.WaitAsync(Tasks.HostingHold.Enqueue(client, Released(), 1), TestHosts.Wait);
        await host.StopAsync();

        var (a, b) = (Tasks.HostingScoped.GetResult(first).Split('|'), Tasks.HostingScoped.GetResult(second).Split('|'));
        Assert.Equal(("True", "True"), (a[1], b[1]));
        Assert.NotEqual(a[0], b[0]);
        Assert.True(JobScopedProbe.Find(Guid.Parse(a[0])).Disposed);
        Assert.True(JobScopedProbe.Find(Guid.Parse(b[0])).Disposed);

        var line = Assert.Single(logs.Lines, l => l.Message.Contains("holding 1", StringComparison.Ordinal));
        Assert.Equal(hold.Id.ToString(), line.Scope["MrqJobId"]);
        Assert.Equal("tests.hosting.Hold", line.Scope["MrqJobPath"]);
        Assert.Equal("hosting", line.Scope["MrqJobQueue"]);
    }

    [Fact]
    public async Task Several_workers_in_one_host_take_their_own_queues()
    {
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(directory, (services, _) =>
        {
            services.AddMrqWorker("squares", w => w.Queues = ["squares"]);
            services.AddMrqWorker("others", w => w.Queues = ["others"]);
        });
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IMrqClient>();

        var onSquares = await client.WaitAsync(client.Enqueue(Tasks.HostingSquare.Job(n: 2).OnQueue("squares")), TestHosts.Wait);
        var onOthers = await client.WaitAsync(client.Enqueue(Tasks.HostingSquare.Job(n: 3).OnQueue("others")), TestHosts.Wait);
        await host.StopAsync();

        Assert.Equal((JobStatus.Success, JobStatus.Success), (onSquares.Status, onOthers.Status));
        Assert.NotEqual(onSquares.Worker, onOthers.Worker);
    }

    [Fact]
    public async Task A_job_of_an_unknown_task_fails_naming_how_to_register_task_libraries()
    {
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(directory, (services, _) => services.AddMrqWorker(w => w.Queues = ["hosting"]));
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IMrqClient>();

        var job = await client.WaitAsync(client.Enqueue(new JobRequest("library.NotRegistered", Tasks.HostingSquare.Job(n: 1).Params, "hosting")), TestHosts.Wait);
        await host.StopAsync();

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("No task with path 'library.NotRegistered'", job.Traceback, StringComparison.Ordinal);
        Assert.Contains("AddMrqTasksFrom", job.Traceback, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delayed_job_waits_as_a_retry_and_never_starts_before_its_date()
    {
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(directory, (services, _) => services.AddMrqWorker(w => w.Queues = ["hosting"]));
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IMrqClient>();
        var before = DateTime.UtcNow;

        var ids = await client.EnqueueManyAsync(
        [
            Tasks.HostingSquare.Job(n: 3).DelayBy(TimeSpan.FromHours(1)),
            Tasks.HostingSquare.Job(n: 4).DelayBy(TimeSpan.FromMilliseconds(700)),
            Tasks.HostingSquare.Job(n: 5).DelayUntil(DateTimeOffset.UtcNow.AddDays(-1)),
        ]);
        var soon = await client.WaitAsync(ids[1], TestHosts.Wait);
        var past = await client.WaitAsync(ids[2], TestHosts.Wait);
        var later = await client.GetJobAsync(ids[0]);
        await host.StopAsync();

        Assert.Equal((16, 25), (Tasks.HostingSquare.GetResult(soon), Tasks.HostingSquare.GetResult(past)));
        Assert.True(soon.DateStarted >= before.AddMilliseconds(699), $"started {soon.DateStarted:O}, enqueued after {before:O}");
        Assert.Equal(0, soon.RetryCount);
        Assert.Equal(JobStatus.Retry, later?.Status);
        Assert.True(later!.DateRetry >= before.AddMinutes(59), $"due {later.DateRetry:O}");
    }

    [Fact]
    public async Task A_schedule_declared_in_code_is_synced_by_the_hosted_worker_and_waits_for_its_time()
    {
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(
            directory,
            (services, mrq) =>
            {
                mrq.Schedule(Tasks.HostingSquare.Job(n: 2).OnQueue("reports"), "30 6 * * MON-FRI");
                services.AddMrqWorker(w => w.Queues = ["hosting"]);
            },
            new Dictionary<string, string?>
            {
                ["Mrq:SCHEDULER_TASKS:0:path"] = "tests.hosting.Square",
                ["Mrq:SCHEDULER_TASKS:0:params:n"] = "3",
                ["Mrq:SCHEDULER_TASKS:0:interval"] = "3600",
            });
        await host.StartAsync();
        var store = ((StoreClient)host.Services.GetRequiredService<IMrqClient>()).Store;

        await Eventually.TrueAsync(async () => (await store.GetScheduledJobsAsync()).Count == 2, TestHosts.Wait, "the worker synced both entries");
        var entries = await store.GetScheduledJobsAsync();
        await host.StopAsync();

        var coded = Assert.Single(entries, e => e.Cron is not null);
        Assert.Equal(("tests.hosting.Square", "reports", "30 6 * * MON-FRI"), (coded.Path, coded.Queue, coded.Cron));
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(coded.Params!).RootElement.GetProperty("n").GetInt32());
        Assert.Single(entries, e => e.Interval == 3600);
    }

    [Fact]
    public void A_schedule_that_never_fires_is_refused_where_it_is_declared()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ArgumentException>(() => services.AddMrq().Schedule(Tasks.HostingSquare.Job(n: 2), "0 0 30 2 *"));

        Assert.StartsWith("Schedule(): expected a date that exists (this one never comes), got \"0 0 30 2 *\".", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_queue_limited_in_code_keeps_the_section_s_other_options_and_queues()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mrq:QUEUES_CONFIG:emails:notify"] = "false",
            ["Mrq:QUEUES_CONFIG:reports:rate_limit:limit"] = "5",
            ["Mrq:QUEUES_CONFIG:reports:rate_limit:per"] = "1",
        }).Build();
        var services = new ServiceCollection();
        services.AddMrq(configuration).LimitQueue("emails", 100, TimeSpan.FromMinutes(1)).LimitQueue("sms", 1, TimeSpan.FromSeconds(2));

        var settings = services.BuildServiceProvider().GetRequiredService<Microsoft.Extensions.Options.IOptions<MrqSettings>>().Value;
        var limits = QueuesConfig.RateLimits(settings);

        Assert.Equal(new QueueRateLimit("emails", 100, TimeSpan.FromMinutes(1)), limits["emails"]);
        Assert.Equal(new QueueRateLimit("reports", 5, TimeSpan.FromSeconds(1)), limits["reports"]);
        Assert.Equal(new QueueRateLimit("sms", 1, TimeSpan.FromSeconds(2)), limits["sms"]);
        Assert.False(QueuesConfig.Notifies(QueuesConfig.QuietQueues(settings), "emails"));
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddMrq().LimitQueue("emails", 10, TimeSpan.FromMilliseconds(1500)));
    }

    [Fact]
    public void A_schedule_on_a_time_zone_is_stored_as_a_CRON_TZ_expression_and_names_its_zone_once()
    {
        var services = new ServiceCollection();
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        services.AddMrq().Schedule(Tasks.HostingSquare.Job(n: 2), " 0 9 * * MON-FRI", paris);

        var settings = services.BuildServiceProvider().GetRequiredService<Microsoft.Extensions.Options.IOptions<MrqSettings>>().Value;
        var entry = Assert.Single(Scheduling.SchedulerConfig.Read(settings));
        var error = Assert.Throws<ArgumentException>(() => services.AddMrq().Schedule(Tasks.HostingSquare.Job(n: 2), "TZ=UTC 0 9 * * *", paris));

        Assert.Equal("CRON_TZ=Europe/Paris 0 9 * * MON-FRI", entry.Cron);
        Assert.True(settings.Scheduler);
        Assert.StartsWith("Schedule(): the expression names a zone already", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_StopHostWhenWorkersEnd_the_host_stops_once_every_worker_has_ended_by_itself()
    {
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(directory, (services, _) =>
        {
            services.AddMrqWorker("batch", w => (w.Queues, w.DequeueStrategy) = (["batch"], DequeueStrategy.Burst));
            services.AddMrqWorker("steady", w => (w.Queues, w.MaxJobs) = (["steady"], 1));
        }, new Dictionary<string, string?> { ["Mrq:StopHostWhenWorkersEnd"] = "true" });
        var client = host.Services.GetRequiredService<IMrqClient>();
        var batch = Enumerable.Range(1, 3).Select(n => client.Enqueue(Tasks.HostingSquare.Job(n).OnQueue("batch"))).ToList();
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        await host.StartAsync();
        await host.Services.GetRequiredKeyedService<HostedWorker>("batch").Run!.WaitAsync(TestHosts.Wait);
        Assert.False(stopping.IsCancellationRequested, "the steady worker still runs");
        var last = client.Enqueue(Tasks.HostingSquare.Job(n: 4).OnQueue("steady"));
        await host.WaitForShutdownAsync().WaitAsync(TestHosts.Wait);

        var statuses = await TestHosts.StatusesAsync(directory.File("jobs.db"), [.. batch, last]);
        Assert.All(statuses, s => Assert.Equal(JobStatus.Success, s));
    }

    [Fact]
    public async Task A_worker_that_fails_stops_the_host_with_exit_code_1()
    {
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(directory, (services, _) => services.AddMrqWorker(w => w.Queues = ["hosting"]));
        await host.StartAsync();
        var worker = host.Services.GetRequiredKeyedService<HostedWorker>("worker");
        try
        {
            await worker.ObserveAsync(Task.FromException<WorkerRunSummary>(new InvalidOperationException("the loop broke")));

            Assert.True(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            // The test process's own exit code.
            Environment.ExitCode = 0;
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task By_default_the_host_keeps_running_after_its_burst_worker_ends()
    {
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(directory, (services, _) => services.AddMrqWorker(w => (w.Queues, w.DequeueStrategy) = (["batch"], DequeueStrategy.Burst)));
        var client = host.Services.GetRequiredService<IMrqClient>();
        var id = client.Enqueue(Tasks.HostingSquare.Job(n: 5).OnQueue("batch"));

        await host.StartAsync();
        await host.Services.GetRequiredKeyedService<HostedWorker>("worker").Run!.WaitAsync(TestHosts.Wait);
        var job = await client.GetJobAsync(id);
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;
        await host.StopAsync();

        Assert.Equal(JobStatus.Success, job?.Status);
        Assert.False(stopping);
    }

    /// <summary>The name of a gate that is already open.</summary>
    private static string Released()
    {
        var name = Guid.NewGuid().ToString("N");
        HostingGates.For(name).Release();
        return name;
    }
}
