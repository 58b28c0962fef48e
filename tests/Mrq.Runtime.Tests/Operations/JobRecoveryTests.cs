using Mrq.Configuration;
using Mrq.Maintenance;
using Mrq.Processing;
using Mrq.Storage;
using Mrq.Storage.Sqlite;
using Mrq.Tests.Support;

namespace Mrq.Tests.Operations;

/// <summary>
/// MRQ's RequeueStartedJobs and RequeueInterruptedJobs on the embedded store (MRQ's test_interrupt_worker_sigkill and
/// test_worker_crash), and worker reports as stored.
/// </summary>
public sealed class JobRecoveryTests : IAsyncLifetime
{
    private static readonly DateTime s_now = DateTime.UtcNow;
    private readonly TempDirectory _directory = new();
    private SqliteJobStore _store = null!;

    // As MRQ's test: a task timeout of 200 s.
    private readonly TaskPolicies _policies = TaskPolicies.Create(new MrqSettings { DefaultJobTimeout = 200 });

    public Task InitializeAsync()
    {
        _store = SqliteJobStore.Open(_directory.File("mrq.db"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Theory]
    [InlineData(110, 0)]
    [InlineData(90, 1)]
    public async Task A_job_of_a_live_worker_is_requeued_only_once_past_its_timeout_plus_the_margin(double margin, long expected)
    {
        await ReportAsync("w1", DateTime.UtcNow);
        var id = await StartedAsync("w1", s_now.AddSeconds(-300));

        var (requeued, started) = await JobRecovery.RequeueStartedJobsAsync(_store, _policies, DateTime.UtcNow, margin);

        Assert.Equal(expected, requeued);
        Assert.Equal(1, started);
        Assert.Equal(expected == 1 ? JobStatus.Queued : JobStatus.Started, (await _store.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task Jobs_of_workers_without_a_report_stopped_or_silent_are_requeued_whatever_their_age()
    {
        await ReportAsync("silent", DateTime.UtcNow.AddSeconds(-10), reportInterval: 1);
        await ReportAsync("stopped", DateTime.UtcNow, status: WorkerStatus.Stop);
        await ReportAsync("alive", DateTime.UtcNow.AddSeconds(-10), reportInterval: 10);
        var orphans = new[]
        {
            await StartedAsync("no-report", DateTime.UtcNow),
            await StartedAsync("silent", DateTime.UtcNow),
            await StartedAsync("stopped", DateTime.UtcNow),
        };
        var kept = await StartedAsync("alive", DateTime.UtcNow);

        var (requeued, started) = await JobRecovery.RequeueStartedJobsAsync(_store, _policies, DateTime.UtcNow);

        Assert.Equal(3, requeued);
        Assert.Equal(4, started);
        foreach (var id in orphans)
        {
            var job = (await _store.GetAsync(id))!;
            Assert.Equal(JobStatus.Queued, job.Status);
            Assert.Equal(2, job.RetryCount);
        }

        Assert.Equal(JobStatus.Started, (await _store.GetAsync(kept))!.Status);
        Assert.Equal(3, await _store.CountAsync("default", JobStatus.Queued));
    }

    [Fact]
    public async Task A_job_claimed_again_since_it_was_seen_is_not_requeued()
    {
        var id = await StartedAsync("dead", DateTime.UtcNow);
        var seen = await _store.GetStartedJobsAsync();

        // Meanwhile another worker requeued and claimed it.
        await _store.RequeueAsync(JobFilter.ById(id), null, keepRetryCount: true, DateTime.UtcNow);
        var claimed = new List<Mrq.Storage.ClaimedJob>();
        Assert.Equal(1, await _store.ClaimAsync("default", 1, "other", claimed));

        Assert.Equal(0, await _store.RequeueStartedAsync(seen, DateTime.UtcNow));
        var job = (await _store.GetAsync(id))!;
        Assert.Equal(JobStatus.Started, job.Status);
        Assert.Equal("other", job.Worker);
    }

    [Fact]
    public async Task Interrupted_jobs_go_back_to_their_queue_keeping_their_retry_count()
    {
        var id = JobId.NewId();
        await _store.InsertAsync(new[] { Job(id, JobStatus.Interrupt, "w", DateTime.UtcNow) with { Queue = "q1" } });

        Assert.Equal(1, await JobRecovery.RequeueInterruptedJobsAsync(_store, DateTime.UtcNow));

        var job = (await _store.GetAsync(id))!;
        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.Equal("q1", job.Queue);
        Assert.Equal(2, job.RetryCount);
        Assert.Equal(0, await JobRecovery.RequeueInterruptedJobsAsync(_store, DateTime.UtcNow));
    }

    [Fact]
    public async Task A_report_reads_back_with_MRQ_fields_and_old_reports_expire()
    {
        var report = Report("w1", s_now, WorkerStatus.Full, 10) with
        {
            DoneJobs = 7,
            Jobs = [new WorkerReport.CurrentJob(JobId.NewId(), "host.Sleep", s_now.AddSeconds(-1))],
        };
        await _store.ReportWorkerAsync(report);
        await _store.ReportWorkerAsync(report with { DoneJobs = 8 });
        await _store.ReportWorkerAsync(Report("w2", s_now.AddHours(-2), WorkerStatus.Wait, 10));

        var stored = Assert.Single(await _store.GetWorkersAsync(), w => w.Id == "w1");
        Assert.Equal(8, stored.DoneJobs);
        Assert.Equal(WorkerStatus.Full, stored.Status);
        Assert.Equal(["q1", "q2"], stored.Config.Queues);
        Assert.Equal(4, stored.Config.Greenlets);
        Assert.Equal(123, stored.Process.Pid);
        Assert.Equal(3 * 1024 * 1024, stored.Process.MemoryTotal);
        var job = Assert.Single(stored.Jobs);
        Assert.Equal(report.Jobs[0].Id, job.Id);
        Assert.Equal("host.Sleep", job.Path);
        Assert.Equal(SqliteDates.FromUnixMilliseconds(SqliteDates.ToUnixMilliseconds(report.Jobs[0].DateStarted)), job.DateStarted);

        Assert.Equal(1, await _store.DeleteWorkersReportedBeforeAsync(DateTime.UtcNow - JobRecovery.ReportTtl));
        Assert.Equal("w1", Assert.Single(await _store.GetWorkersAsync()).Id);
    }

    private async Task<JobId> StartedAsync(string worker, DateTime dateStarted)
    {
        var id = JobId.NewId();
        await _store.InsertAsync(new[] { Job(id, JobStatus.Started, worker, dateStarted) });
        return id;
    }

    private static JobInfo Job(JobId id, JobStatus status, string worker, DateTime dateStarted) => new()
    {
        Id = id,
        Path = "host.Sleep",
        Queue = "default",
        Status = status,
        Params = new byte[] { 0x80 },
        DateQueued = dateStarted.AddSeconds(-1),
        DateStarted = dateStarted,
        Worker = worker,
        RetryCount = 2,
    };

    private Task ReportAsync(string id, DateTime reported, double reportInterval = 10, string status = WorkerStatus.Wait) =>
        _store.ReportWorkerAsync(Report(id, reported, status, reportInterval)).AsTask();

    private static WorkerReport Report(string id, DateTime reported, string status, double reportInterval) => new()
    {
        Id = id,
        Name = "host." + id,
        Status = status,
        DateStarted = reported.AddMinutes(-1),
        DateReported = reported,
        Config = new WorkerReport.WorkerConfig { Queues = ["q1", "q2"], Greenlets = 4, DequeueStrategy = "sequential", ReportInterval = reportInterval },
        Process = new WorkerReport.ProcessUsage { Pid = 123, MemoryRss = 2 * 1024 * 1024, MemorySwap = 1024 * 1024 },
    };
}
