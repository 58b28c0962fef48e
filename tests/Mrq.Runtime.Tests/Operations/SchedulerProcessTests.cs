namespace Mrq.Tests.Operations;

/// <summary>MRQ's test_scheduler_simple with several processes: two scheduler workers, each entry enqueued once per period.</summary>
public sealed class SchedulerProcessTests
{
    [Fact]
    public async Task Two_scheduler_workers_enqueue_each_entry_once()
    {
        await using var env = new HostEnvironment();
        await env.WriteConfigAsync("""
            {
              "SCHEDULER_TASKS": [
                { "path": "host.Sleep", "params": { "ms": 1 }, "interval": 3600 },
                { "path": "host.Sleep", "params": { "ms": 2 }, "interval": 3600 },
                { "path": "host.Sleep", "params": { "ms": 3 }, "dailytime": "00:00" }
              ]
            }
            """);
        using var first = env.StartWorker("default", "--scheduler", "--scheduler_interval", "0.2");
        using var second = env.StartWorker("default", "--scheduler", "--scheduler_interval", "0.2");

        // Both schedulers keep checking (five times a second each) while the two interval jobs run; the daily one waits
        // for tomorrow unless the test starts exactly at midnight.
        await Support.Eventually.TrueAsync(async () => await env.Store.CountAsync("default", JobStatus.Success) >= 2, HostEnvironment.Wait, "the scheduled jobs did not run");
        await Task.Delay(TimeSpan.FromSeconds(2));

        first.Signal("INT");
        second.Signal("INT");
        Assert.Equal(0, await first.WaitForExitAsync(HostEnvironment.Wait));
        Assert.Equal(0, await second.WaitForExitAsync(HostEnvironment.Wait));
        var jobs = await env.Store.CountAsync("default", JobStatus.Success) + await env.Store.CountAsync("default", JobStatus.Queued);
        Assert.InRange(jobs, 2, DateTime.UtcNow.TimeOfDay < TimeSpan.FromMinutes(3) ? 3 : 2); // 3 only if the test crossed midnight
        Assert.Equal(3, (await env.Store.GetScheduledJobsAsync()).Count);
    }
}
