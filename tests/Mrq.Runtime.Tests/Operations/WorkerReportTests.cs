using Mrq.Configuration;
using Mrq.Processing;
using Mrq.Storage;
using Mrq.Tests.Support;
using Mrq.Tests.Worker;

namespace Mrq.Tests.Operations;

/// <summary>Worker reports written by a real engine: at start, every report_interval, and at stop (MRQ's mrq_workers).</summary>
public sealed class WorkerReportTests
{
    [Fact]
    public async Task Reports_show_the_running_job_while_it_runs_and_the_stop_status_at_the_end()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.Sleep.Job(ms: 600_000));
        using var stop = new CancellationTokenSource();
        using var interrupt = new CancellationTokenSource();
        var settings = new MrqSettings { Greenlets = 1, ReportInterval = 0.2, MaxLatency = 0.05 };
        var run = harness.RunAsync(settings, stop.Token, interrupt.Token, "default", "other");

        WorkerReport? running = null;
        await Eventually.TrueAsync(
            async () =>
            {
                running = (await harness.Store.GetWorkersAsync()).SingleOrDefault();
                return running is { Status: WorkerStatus.Full, Jobs.Count: 1 };
            },
            TimeSpan.FromSeconds(60),
            () => $"no report with the running job; last: {running}");

        Assert.Equal(id, running!.Jobs[0].Id);
        Assert.Equal("tests.worker.Sleep", running.Jobs[0].Path);
        Assert.Equal(["default", "other"], running.Config.Queues);
        Assert.Equal(1, running.Config.Greenlets);
        Assert.Equal(Environment.ProcessId, running.Process.Pid);
        Assert.True(running.Process.MemoryRss > 0);
        Assert.Equal(running.Id, (await harness.Store.GetAsync(id))!.Worker);

        await stop.CancelAsync();
        await interrupt.CancelAsync();
        await run;

        var stopped = Assert.Single(await harness.Store.GetWorkersAsync());
        Assert.Equal(WorkerStatus.Stop, stopped.Status);
        Assert.Equal(1, stopped.DoneJobs);
        Assert.Empty(stopped.Jobs);
        Assert.True(stopped.DateReported > running.DateReported);
        Assert.Equal(JobStatus.Interrupt, (await harness.Store.GetAsync(id))!.Status);
    }
}
