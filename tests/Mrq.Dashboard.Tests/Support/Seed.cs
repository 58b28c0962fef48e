using Mrq.Processing;
using Mrq.Serialization;
using Mrq.Storage;

namespace Mrq.Dashboard.Tests.Support;

/// <summary>Real jobs in a real store, in every status the dashboard shows, written through the store's own calls.</summary>
internal static class Seed
{
    public const string XssParam = "<script>window.__mrqXss = 1</script><img src=x onerror=\"window.__mrqXss = 2\">";

    /// <summary>Ids of the seeded jobs by role.</summary>
    internal sealed record Jobs(JobId Queued, JobId Started, JobId Success, JobId Failed, JobId Retry, JobId Xss);

    public static async Task<Jobs> RegularJobsAsync(IMrqClient client)
    {
        var store = ((StoreClient)client).Store;
        var now = DateTime.UtcNow;
        JobInfo Job(JobStatus status, string queue, string json, Func<JobInfo, JobInfo>? with = null)
        {
            var job = new JobInfo
            {
                Id = JobId.NewId(),
                Path = "tasks.Square",
                Queue = queue,
                Status = status,
                Params = MessagePackJson.FromJson(json),
                DateQueued = now.AddMinutes(-5),
            };
            return with is null ? job : with(job);
        }

        var queued = Job(JobStatus.Queued, "square", """{"n": 1}""");
        var started = Job(JobStatus.Started, "square", """{"n": 2}""", j => j with { Worker = "worker-a", DateStarted = now.AddSeconds(-3), Progress = 0.4 });
        var success = Job(JobStatus.Success, "square", """{"n": 3}""", j => j with { Worker = "worker-a", DateStarted = now.AddSeconds(-9), DateUpdated = now.AddSeconds(-8), Result = MessagePackJson.FromJson("9"), TotalTime = 0.012 });
        const string traceback = "System.InvalidOperationException: boom\n   at Tasks.Square.Run(Int32 n)";
        // Stored as started, then failed by its worker's outcome, which also appends its traceback history and logs.
        var failed = Job(JobStatus.Started, "reports/daily", """{"n": 4}""", j => j with { Path = "tasks.Report", Worker = "worker-a", DateStarted = now.AddSeconds(-8) });
        var retry = Job(JobStatus.Retry, "reports/weekly", """{"n": 5}""", j => j with { Path = "tasks.Report", RetryCount = 2, ExceptionType = "TimeoutException", Traceback = "System.TimeoutException: slow", DateRetry = now.AddMinutes(10) });
        var xss = Job(JobStatus.Failed, "square", System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["html"] = XssParam }, XssJson.Default.DictionaryStringString), j => j with
        {
            ExceptionType = "<b>Bold</b>Exception",
            Traceback = XssParam,
        });
        await store.EnqueueAsync(new NewJob[] { new(queued.Id, queued.Path, queued.Queue, queued.Params, now.AddMinutes(-5)) });
        await store.InsertAsync(new[] { started, success, failed, retry, xss });
        await store.CompleteAsync(new[]
        {
            new JobOutcome(failed.Id, JobStatus.Failed, now.AddSeconds(-7), ExceptionType: "InvalidOperationException", Traceback: traceback, TotalTime: 1.0)
            {
                Worker = "worker-a",
                Logs = "2026-01-01 00:00:00,000 [INFO] computing report\n2026-01-01 00:00:01,000 [ERROR] <b>boom</b>\n",
            },
        });
        await store.ReportWorkerAsync(new WorkerReport
        {
            Id = "worker-a",
            Name = "host-1.1234",
            Status = "wait",
            DateStarted = now.AddMinutes(-10),
            DateReported = now.AddSeconds(-2),
            DoneJobs = 120,
            Config = new WorkerReport.WorkerConfig { Queues = ["square", "reports/"], Greenlets = 4, DequeueStrategy = "sequential" },
            Process = new WorkerReport.ProcessUsage { Pid = 1234, CpuUser = 1.5, CpuSystem = 0.25, MemoryRss = 48 * 1024 * 1024 },
            Jobs = [new WorkerReport.CurrentJob(started.Id, started.Path, now.AddSeconds(-3))],
        });
        await store.ReportWorkerAsync(new WorkerReport
        {
            Id = "worker-b",
            Name = "host-2.99",
            Status = "wait",
            DateStarted = now.AddHours(-1),
            DateReported = now.AddMinutes(-20),
            Config = new WorkerReport.WorkerConfig { Queues = ["default"], Greenlets = 1, DequeueStrategy = "sequential" },
            Process = new WorkerReport.ProcessUsage { Pid = 99 },
        });
        await store.SyncScheduledJobsAsync(
        [
            new ScheduledJob { Hash = "h1", Path = "tasks.Report", Params = """{"n": 7}""", Queue = "reports/daily", Interval = 3600, DateLastQueued = now.AddMinutes(-30) },
            new ScheduledJob { Hash = "h2", Path = "tasks.Sync", Cron = "*/15 8-18 * * MON-FRI", DateLastQueued = now.AddMinutes(-5) },
            new ScheduledJob { Hash = "h3", Path = "tasks.Remind", Cron = "CRON_TZ=Europe/Paris 0 9 * * *", DateLastQueued = now.AddMinutes(-5) },
        ]);
        await client.EnqueueRawAsync("square_raw", [new RawParam("11"), new RawParam("12")]);
        return new Jobs(queued.Id, started.Id, success.Id, failed.Id, retry.Id, xss.Id);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class XssJson : System.Text.Json.Serialization.JsonSerializerContext;
