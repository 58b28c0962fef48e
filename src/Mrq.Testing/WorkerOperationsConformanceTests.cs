using Mrq.Storage;

namespace Mrq.Testing;

/// <summary>
/// What every <see cref="IJobStore"/> adapter must do for worker operations: reports, recovery of started jobs, claims
/// with options, known queues and the schedule. SQLite always; MongoDB with <c>MRQ_MONGODB_URI</c> (skipped otherwise).
/// </summary>
public abstract class WorkerOperationsConformanceTests : IAsyncLifetime
{
    private static readonly DateTime s_date = new(2025, 3, 14, 15, 9, 26, 535, DateTimeKind.Utc);
    private IJobStore? _store;

    protected IJobStore Store => _store ??= OpenStore();

    protected abstract IJobStore OpenStore();

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task Reports_are_upserted_listed_and_expire()
    {
        var report = new WorkerReport
        {
            Id = "w1",
            Name = "host.1",
            Status = WorkerStatus.Full,
            DateStarted = s_date,
            DateReported = s_date.AddSeconds(5),
            DoneJobs = 3,
            Config = new WorkerReport.WorkerConfig { Queues = ["a", "b"], Greenlets = 2, DequeueStrategy = "parallel", ReportInterval = 1 },
            Process = new WorkerReport.ProcessUsage { Pid = 7, MemoryRss = 100 },
            Jobs = [new WorkerReport.CurrentJob(JobId.NewId(s_date), "p", s_date)],
        };
        await Store.ReportWorkerAsync(report);
        await Store.ReportWorkerAsync(report with { DoneJobs = 4, DateReported = s_date.AddSeconds(6) });

        var stored = Assert.Single(await Store.GetWorkersAsync());
        Assert.Equal(4, stored.DoneJobs);
        Assert.Equal(s_date.AddSeconds(6), stored.DateReported);
        Assert.Equal(["a", "b"], stored.Config.Queues);
        Assert.Equal(report.Jobs[0].Id, Assert.Single(stored.Jobs).Id);
        Assert.Equal(1, await Store.DeleteWorkersReportedBeforeAsync(s_date.AddSeconds(7)));
        Assert.Empty(await Store.GetWorkersAsync());
    }

    [StoreFact]
    public async Task Started_jobs_are_listed_and_requeued_only_while_still_started_by_the_same_worker()
    {
        await Store.EnqueueAsync(new[] { Job("q", 1), Job("q", 2) });
        var claimed = new List<ClaimedJob>();
        Assert.Equal(2, await Store.ClaimAsync("q", 2, "dead", claimed));

        var started = await Store.GetStartedJobsAsync();
        Assert.Equal(2, started.Count);
        Assert.All(started, j => Assert.Equal("dead", j.Worker));

        // One of them is requeued and claimed by another worker meanwhile: only the other is recovered.
        await Store.RequeueAsync(JobFilter.ById(claimed[0].Id), null, keepRetryCount: true, s_date);
        Assert.Equal(1, await Store.ClaimAsync("q", 1, "alive", []));
        Assert.Equal(1, await Store.RequeueStartedAsync(started, s_date.AddMinutes(1)));
        Assert.Equal(JobStatus.Queued, (await Store.GetAsync(claimed[1].Id))!.Status);
        Assert.Equal("alive", (await Store.GetAsync(claimed[0].Id))!.Worker);
    }

    [StoreFact]
    public async Task A_started_job_requeued_with_its_queued_date_keeps_its_place_in_the_queue()
    {
        var jobs = new[] { Job("q", 1), Job("q", 2), Job("q", 3) };
        await Store.EnqueueAsync(jobs);
        var claimed = new List<ClaimedJob>();
        Assert.Equal(2, await Store.ClaimAsync("q", 2, "w", claimed));

        // The first goes back to its old place, the second to the end.
        var back = claimed.Select(j => new StartedJob(j.Id, j.Path, "w", j.DateStarted) { DateQueued = j.Id == claimed[0].Id ? j.DateQueued : null }).ToList();
        Assert.Equal(2, await Store.RequeueStartedAsync(back, s_date.AddMinutes(1)));

        var again = new List<ClaimedJob>();
        Assert.Equal(3, await Store.ClaimAsync("q", 3, "other", again));
        Assert.Equal([claimed[0].Id, jobs[2].Id, claimed[1].Id], again.Select(j => j.Id));
        Assert.Equal(claimed[0].DateQueued, again[0].DateQueued);
    }

    [StoreFact]
    public async Task Claims_take_newest_first_and_honour_path_lists()
    {
        await Store.EnqueueAsync(new[] { Job("q", 1, "a"), Job("q", 2, "b"), Job("q", 3, "a"), Job("q", 4, "c") });

        var newest = new List<ClaimedJob>();
        Assert.Equal(2, await Store.ClaimAsync("q", 2, "w", new ClaimOptions { NewestFirst = true, OnlyPaths = ["a", "b"] }, newest));
        Assert.Equal(["a", "b"], newest.Select(j => j.Path));

        var rest = new List<ClaimedJob>();
        Assert.Equal(1, await Store.ClaimAsync("q", 5, "w", new ClaimOptions { ExceptPaths = ["c"] }, rest));
        Assert.Equal("a", Assert.Single(rest).Path);
        Assert.Equal(0, await Store.ClaimAsync("q", 5, "w", new ClaimOptions { OnlyPaths = [] }, rest));
        Assert.Equal(1, await Store.CountAsync("q", JobStatus.Queued));
    }

    [StoreFact]
    public async Task Known_queues_are_found_by_prefix()
    {
        await Store.EnqueueAsync(new[] { Job("main/a", 1), Job("main/a/b", 2), Job("main", 3), Job("main_", 4), Job("/main", 5), Job("main/a", 6) });
        Assert.Equal(["main/a", "main/a/b"], await Store.GetQueuesAsync("main/"));
    }

    [StoreFact]
    public async Task The_schedule_syncs_with_the_config_and_keeps_the_state_of_unchanged_entries()
    {
        ScheduledJob Entry(string hash) => new() { Hash = hash, Path = "p." + hash, Interval = 60, Params = """{"x": 1}""" };
        await Store.SyncScheduledJobsAsync([Entry("a"), Entry("b")]);
        await Store.SetScheduledJobQueuedAsync("a", s_date);

        var stored = await Store.SyncScheduledJobsAsync(
        [
            Entry("a"),
            Entry("c") with { DailyTime = TimeSpan.FromHours(7), Weekday = 3, Queue = "q" },
            Entry("d") with { Interval = null, Cron = "*/15 9-17 * * MON-FRI", DateLastQueued = s_date },
        ]);

        Assert.Equal(["a", "c", "d"], stored.Select(e => e.Hash).Order());
        Assert.Equal(s_date, stored.Single(e => e.Hash == "a").DateLastQueued);
        var c = stored.Single(e => e.Hash == "c");
        Assert.Equal((TimeSpan.FromHours(7), 3, "q", DateTime.UnixEpoch, (string?)null), (c.DailyTime!.Value, c.Weekday!.Value, c.Queue, c.DateLastQueued, c.Cron));
        var d = stored.Single(e => e.Hash == "d");
        Assert.Equal(("*/15 9-17 * * MON-FRI", (int?)null, s_date), (d.Cron, d.Interval, d.DateLastQueued));
        Assert.Equal(3, (await Store.GetScheduledJobsAsync()).Count);
    }

    private static NewJob Job(string queue, int n, string path = "p") =>
        new(JobId.NewId(s_date.AddSeconds(n)), path, queue, new byte[] { 0x80 }, s_date.AddSeconds(n));
}
