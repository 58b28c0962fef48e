using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mrq.Configuration;
using Mrq.Tests.Support;

namespace Mrq.Tests.Hosting;

/// <summary>Settings bound from appsettings.json with MRQ's key names, checked at start; and Mrq's health checks.</summary>
[Collection(DefaultClientCollection.Name)]
public sealed class HostConfigurationTests
{
    [Fact]
    public async Task Settings_bind_from_appsettings_with_MRQ_key_names()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("appsettings.json"), """
            {
              "Mrq": {
                "GREENLETS": 7,
                "MAX_JOBS": "20",
                "DEQUEUE_STRATEGY": "parallel",
                "PIPELINE_RAW_DEQUEUE": true,
                "QUEUES": [ "high", "low" ],
                "default_job_timeout": 60,
                "TASKS": { "tests.hosting.Square": { "timeout": 30, "queue": "squares" } },
                "Workers": { "emails": { "QUEUES": "emails", "GREENLETS": 2 } }
              }
            }
            """);
        using var host = Build(directory, services => services.AddMrqWorker("emails"));
        await host.StartAsync();

        var shared = host.Services.GetRequiredService<IOptions<MrqSettings>>().Value;
        var worker = host.Services.GetRequiredService<IOptionsMonitor<MrqSettings>>().Get("mrq-worker:emails");
        await host.StopAsync();

        Assert.Equal((7, 20, DequeueStrategy.Parallel, 60), (shared.Greenlets, shared.MaxJobs, shared.DequeueStrategy, shared.DefaultJobTimeout));
        Assert.Equal(["high", "low"], shared.Queues);
        Assert.True(shared.PipelineRawDequeue && worker.PipelineRawDequeue);
        Assert.Equal(30, TaskPolicies.Create(shared).For("tests.hosting.Square").Timeout);
        Assert.Equal("squares", TaskPolicies.Create(shared).For("tests.hosting.Square").Queue);
        Assert.Equal(["emails"], worker.Queues);
        Assert.Equal((2, 20), (worker.Greenlets, worker.MaxJobs));
    }

    [Theory]
    [InlineData("\"GREENLETS\": \"abc\"", "Mrq:GREENLETS: expected an integer of at least 1, got \"abc\".")]
    [InlineData("\"DEQUEUE_STRATEGY\": \"random\"", "Mrq:DEQUEUE_STRATEGY: expected one of sequential, parallel, burst, got \"random\".")]
    [InlineData("\"REDIS\": \"http://nowhere\"", "Mrq:REDIS: redis (--redis, MRQ_REDIS): no adapter handles http:// URIs; expected a Redis URI")]
    [InlineData("\"TASKS\": { \"t\": { \"timeout\": 0 } }", "TASKS[\"t\"].timeout: expected an integer of at least 1, got 0.")]
    [InlineData("\"Workers\": { \"worker\": { \"QUEUES\": \"nothing_raw\" } }", "worker 'worker': queue 'nothing_raw': no job factory is declared for the raw queue 'nothing_raw'")]
    [InlineData("\"GREENLET\": 5", "Mrq:GREENLET: unknown key (did you mean GREENLETS?).")]
    [InlineData("\"Worker\": { \"worker\": { \"QUEUES\": \"a\" } }", "Mrq:Worker: unknown key (did you mean Workers?).")]
    [InlineData("\"Workers\": { \"worker\": { \"MAXJOBS\": 3 } }", "Mrq:Workers:worker:MAXJOBS: unknown key (did you mean MAX_JOBS?).")]
    [InlineData("\"Workers\": { \"worker\": { \"Workers\": {} } }", "Mrq:Workers:worker:Workers: unknown key.")]
    [InlineData("\"StopHostWhenWorkersEnd\": \"yes\"", "Mrq:StopHostWhenWorkersEnd: expected true or false, got \"yes\".")]
    [InlineData("\"Workers\": { \"worker\": { \"StopHostWhenWorkersEnd\": true } }", "Mrq:Workers:worker:StopHostWhenWorkersEnd: unknown key.")]
    [InlineData("\"CONFIG\": \"mrq-config.json\"", "Mrq:CONFIG: a host reads its own configuration sources, not an Mrq config file.")]
    public async Task A_bad_value_stops_the_host_at_start_naming_the_key(string setting, string message)
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("appsettings.json"), $$"""{ "Mrq": { {{setting}} } }""");
        using var host = Build(directory, services => services.AddMrqWorker());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task A_bad_value_set_in_code_names_the_method()
    {
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(directory, (_, mrq) => mrq.UseRedis("localhost:6379"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("UseRedis(): redis (--redis, MRQ_REDIS): ", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected a Redis URI", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_checks_report_the_store_ready_and_the_worker_live()
    {
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(directory, (services, _) =>
        {
            services.AddHealthChecks().AddMrqHealthChecks();
            services.AddMrqWorker(w => w.Queues = ["hosting"]);
        });
        await host.StartAsync();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var ready = await health.CheckHealthAsync(c => c.Tags.Contains("ready"));
        var live = await health.CheckHealthAsync(c => c.Tags.Contains("live"));
        await host.StopAsync();

        Assert.Equal(HealthStatus.Healthy, ready.Status);
        Assert.Equal(["mrq-store"], ready.Entries.Keys);
        Assert.Equal(HealthStatus.Healthy, live.Status);
        Assert.Equal(["mrq-workers"], live.Entries.Keys);
        Assert.Contains("status", (string)live.Entries["mrq-workers"].Data["worker"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_store_makes_the_ready_check_unhealthy()
    {
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(directory, (services, mrq) =>
        {
            // A directory where the SQLite file should be: the store cannot open.
            Directory.CreateDirectory(directory.File("blocked.db"));
            mrq.UseSqlite(directory.File("blocked.db"));
            services.AddHealthChecks().AddMrqHealthChecks();
        });
        await host.StartAsync();

        var ready = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"));
        await host.StopAsync();

        Assert.Equal(HealthStatus.Unhealthy, ready.Status);
        Assert.Contains("job store", ready.Entries["mrq-store"].Description, StringComparison.Ordinal);
    }

    private static IHost Build(TempDirectory directory, Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = directory.Path });
        builder.Configuration.AddJsonFile(directory.File("appsettings.json"));
        builder.Services.AddMrq().UseSqlite(directory.File("jobs.db"));
        configure(builder.Services);
        return builder.Build();
    }
}
