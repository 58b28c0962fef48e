using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Mrq.Hosting;
using Mrq.Tests.Support;

namespace Mrq.Tests.Hosting;

/// <summary>
/// A host whose raw queue lives on a real redis-server that stops and starts again: the hosted worker rides the outage
/// out and resumes by itself, the host keeps running, and the readiness check says which part does not answer.
/// </summary>
[Collection(DefaultClientCollection.Name)]
public sealed class HostedWorkerFaultTests
{
    private const string Queue = "tests_generated_raw";

    [Fact]
    public async Task A_hosted_worker_rides_out_a_redis_restart_and_readiness_names_the_broker_meanwhile()
    {
        using var redis = await RestartableRedis.StartAsync();
        using var directory = new TempDirectory();
        using var host = TestHosts.Build(directory, (services, mrq) =>
        {
            mrq.UseRedis(redis.Uri).Configure(s => s.ConnectTimeout = 2);
            services.AddHealthChecks().AddMrqHealthChecks();
            services.AddMrqWorker(w => (w.Queues, w.Greenlets, w.MaxLatency) = ([Queue], 2, 0.05));
        });
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IMrqClient>();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var worker = host.Services.GetRequiredKeyedService<HostedWorker>("worker");

        await client.EnqueueRawAsync(Queue, [new RawParam("1"), new RawParam("2")]);
        await Eventually.TrueAsync(() => SucceededAsync(directory, 2), TestHosts.Wait, "the first two raw jobs ran");

        redis.Stop(kill: true);
        var down = await health.CheckHealthAsync(c => c.Tags.Contains("ready"));
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Contains("raw-queue broker does not answer", string.Join(" ", down.Entries.Values.Select(e => e.Description)), StringComparison.Ordinal);

        await redis.StartAgainAsync();
        await client.EnqueueRawAsync(Queue, [new RawParam("3"), new RawParam("4")]);
        await Eventually.TrueAsync(() => SucceededAsync(directory, 4), TestHosts.Wait, "the raw jobs pushed once Redis was back ran");
        var up = await health.CheckHealthAsync(c => c.Tags.Contains("ready"));
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;
        var workerEnded = worker.Run!.IsCompleted;
        await host.StopAsync();

        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.False(stopping || workerEnded, "the outage stopped the host or its worker");
    }

    private static async Task<bool> SucceededAsync(TempDirectory directory, int count) =>
        (await JobsInDatabase.ReadAllAsync(directory.File("jobs.db"))).Count(j => j.Status == JobStatus.Success) >= count;
}
