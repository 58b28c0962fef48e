using Mrq.Maintenance;
using Mrq.Processing;
using Mrq.Serialization;
using Mrq.Storage;
using Mrq.Tests.Worker;

namespace Mrq.Tests.Operations;

/// <summary>MRQ's cleaning tasks run as jobs, under their MRQ paths (what a SCHEDULER_TASKS entry names).</summary>
public sealed class MaintenanceTaskTests
{
    [Fact]
    public async Task RequeueStartedJobs_as_a_job_requeues_an_old_started_job_and_counts_itself_as_started()
    {
        await using var harness = new WorkerHarness();
        var old = JobId.NewId();
        await harness.Store.InsertAsync(new[]
        {
            new JobInfo
            {
                Id = old, Path = "host.Sleep", Queue = "elsewhere", Status = JobStatus.Started, Params = new byte[] { 0x80 },
                DateQueued = DateTime.UtcNow.AddSeconds(-301), DateStarted = DateTime.UtcNow.AddSeconds(-300), Worker = "a-live-worker",
            },
        });
        await harness.Store.ReportWorkerAsync(new WorkerReport
        {
            Id = "a-live-worker",
            Name = "live",
            Status = WorkerStatus.Wait,
            DateStarted = DateTime.UtcNow,
            DateReported = DateTime.UtcNow,
            Config = new WorkerReport.WorkerConfig { Queues = ["elsewhere"], DequeueStrategy = "sequential", ReportInterval = 10 },
            Process = new WorkerReport.ProcessUsage(),
        });
        var maintenance = harness.Client.Enqueue(new JobRequest(MaintenanceTasks.RequeueStartedJobs, MessagePackJson.FromJson("""{"timeout": 90}"""), "default"));

        var settings = WorkerHarness.Burst();
        settings.DefaultJobTimeout = 200;
        await harness.RunAsync(settings, "default");

        var done = (await harness.Store.GetAsync(maintenance))!;
        Assert.Equal(JobStatus.Success, done.Status);
        Assert.Equal("""{"requeued":1,"started":2}""", MessagePackJson.ToJson(done.Result!.Value).Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(JobStatus.Queued, (await harness.Store.GetAsync(old))!.Status);
    }
}
