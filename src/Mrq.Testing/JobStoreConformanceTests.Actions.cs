using Mrq.Storage;

namespace Mrq.Testing;

/// <summary>
/// Bulk actions on stored jobs (<see cref="IJobActions"/>): cancel and requeue by filter, progress and logs. Every date
/// is passed explicitly, so nothing depends on the clock.
/// </summary>
public abstract partial class JobStoreConformanceTests
{
    /// <summary>Every status a job can be in, in the order <see cref="EnqueueOneJobPerStatusAsync"/> numbers them.</summary>
    private static readonly JobStatus[] s_everyStatus =
    [
        JobStatus.Queued, JobStatus.Started, JobStatus.Retry, JobStatus.Success, JobStatus.Failed, JobStatus.Cancel,
        JobStatus.Abort, JobStatus.Timeout, JobStatus.Interrupt, JobStatus.MaxRetries, JobStatus.MaxConcurrency,
    ];

    /// <summary>The statuses a cancel changes (MRQ's cancel never touches a job that ended).</summary>
    private static readonly JobStatus[] s_cancellable = [JobStatus.Queued, JobStatus.Started, JobStatus.Retry];

    // Properties, not static fields: the order in which static fields of different files of a partial class are
    // initialized is unspecified, and these derive from BaseDate.

    /// <summary>When the <c>retry</c> job of <see cref="EnqueueOneJobPerStatusAsync"/> becomes due.</summary>
    private static DateTime RetryDue => BaseDate.AddMinutes(1);

    /// <summary>When the jobs of <see cref="EnqueueOneJobPerStatusAsync"/> that ended did so.</summary>
    private static DateTime Ended => BaseDate.AddSeconds(1);

    /// <summary>When the jobs of <see cref="EnqueueOneJobPerStatusAsync"/> that ended expire.</summary>
    private static DateTime EndedExpires => BaseDate.AddDays(7);

    /// <summary>
    /// Stores one job per status of <see cref="s_everyStatus"/> in <paramref name="queue"/> (which must hold no queued
    /// job yet), numbered from <paramref name="first"/> and queued a millisecond apart in that order. The jobs that ended
    /// did so at <see cref="Ended"/>, expiring at <see cref="EndedExpires"/>; the <c>retry</c> job has retry count 2
    /// and is due at <see cref="RetryDue"/>, the <c>interrupt</c> job has retry count 1. Returns the ids by status.
    /// </summary>
    private static async Task<Dictionary<JobStatus, JobId>> EnqueueOneJobPerStatusAsync(IJobStore store, string queue, int first)
    {
        var jobs = s_everyStatus.Select((_, i) => Job(first + i, BaseDate.AddMilliseconds(i), queue)).ToArray();
        var queued = Array.IndexOf(s_everyStatus, JobStatus.Queued);
        await store.EnqueueAsync(jobs.Where((_, i) => i != queued).ToArray());
        await ClaimAllAsync(store, queue, jobs.Length, worker: "w-1");
        var outcomes = s_everyStatus
            .Select((status, i) => (Status: status, jobs[i].Id))
            .Where(j => j.Status is not (JobStatus.Queued or JobStatus.Started))
            .Select(j => new JobOutcome(j.Id, j.Status, Ended, DateExpires: EndedExpires)
            {
                RetryCount = j.Status switch { JobStatus.Retry => 2, JobStatus.Interrupt => 1, _ => null },
                DateRetry = j.Status == JobStatus.Retry ? RetryDue : null,
            })
            .ToArray();
        await store.CompleteAsync(outcomes);
        await store.EnqueueAsync(new[] { jobs[queued] });
        return s_everyStatus.Select((status, i) => (status, jobs[i].Id)).ToDictionary(j => j.status, j => j.Id);
    }

    /// <summary>Checks that the jobs of <see cref="EnqueueOneJobPerStatusAsync"/> with these statuses were left alone.</summary>
    private static async Task AssertUnchangedAsync(IJobStore store, Dictionary<JobStatus, JobId> ids, IEnumerable<JobStatus> statuses)
    {
        foreach (var status in statuses)
        {
            var info = (await store.GetAsync(ids[status]))!;
            Assert.Equal(status, info.Status);
            if (status is not (JobStatus.Queued or JobStatus.Started))
            {
                Assert.Equal((Ended, EndedExpires), (info.DateUpdated, info.DateExpires));
            }
        }
    }

    [StoreFact]
    public async Task Cancel_of_a_queue_cancels_its_queued_started_and_retry_jobs_only()
    {
        var store = OpenStore();
        var ids = await EnqueueOneJobPerStatusAsync(store, "q", first: 1);
        await store.EnqueueAsync(new[] { Job(100, BaseDate, queue: "other") });
        var now = BaseDate.AddHours(1);
        var expires = now.AddDays(1);

        Assert.Equal(s_cancellable.Length, await store.CancelAsync(new JobFilter { Queue = "q" }, now, expires));

        foreach (var status in s_cancellable)
        {
            var info = (await store.GetAsync(ids[status]))!;
            Assert.Equal((JobStatus.Cancel, now, expires), (info.Status, info.DateUpdated, info.DateExpires));
        }

        await AssertUnchangedAsync(store, ids, s_everyStatus.Except(s_cancellable));
        Assert.Equal(JobStatus.Queued, (await store.GetAsync(Id(BaseDate, 100)))!.Status);
        Assert.Equal(0, await store.ClaimAsync("q", 10, "w-2", []));
        Assert.Equal(s_cancellable.Length + 1, await store.CountAsync("q", JobStatus.Cancel));
        Assert.Equal(0, await store.CancelAsync(new JobFilter { Queue = "q" }, now, expires));
    }

    [StoreFact]
    public async Task Cancel_and_requeue_select_by_id_queue_family_path_status_worker_and_params_together()
    {
        var store = OpenStore();
        await store.EnqueueAsync(new[]
        {
            Job(1, BaseDate, queue: "mail"), Job(2, BaseDate, queue: "mail/eu"), Job(3, BaseDate, queue: "mail", path: "tests.Other"),
            Job(4, BaseDate, queue: "mailbox"), Job(5, BaseDate, queue: "sms"), Job(6, BaseDate, queue: "sms"),
            Job(7, BaseDate, queue: "sms", path: "tests.Other"),
        });
        Assert.Equal(1, await store.ClaimAsync("sms", 1, "w-9", []));
        var now = BaseDate.AddHours(1);
        var expires = now.AddDays(1);

        // Every criterion that is set must match.
        Assert.Equal(0, await store.CancelAsync(JobFilter.ById(Id(BaseDate, 6)) with { Queue = "mail" }, now, expires));
        Assert.Equal(1, await store.CancelAsync(JobFilter.ById(Id(BaseDate, 6)), now, expires));
        Assert.Equal(1, await store.CancelAsync(new JobFilter { Queue = "mail", Path = "tests.Other" }, now, expires));
        Assert.Equal(2, await store.CancelAsync(new JobFilter { Queue = "mail/" }, now, expires));
        Assert.Equal(1, await store.CancelAsync(new JobFilter { Worker = "w-9", Statuses = [JobStatus.Started] }, now, expires));
        Assert.Equal(1, await store.CancelAsync(new JobFilter { Statuses = [JobStatus.Queued], Params = """{"n": 7}""" }, now, expires));

        Assert.Equal(1, await store.CountAsync("mailbox", JobStatus.Queued));
        Assert.Equal(3, await store.CountAsync("sms", JobStatus.Cancel));
        Assert.Equal(1, await store.RequeueAsync(new JobFilter { Queue = "mail/", Params = """{"n": 2}""" }, null, keepRetryCount: false, now));
        Assert.Equal(Id(BaseDate, 2), Assert.Single(await ClaimAllAsync(store, "mail/eu", 10)).Id);
        Assert.Equal(2, await store.CountAsync("mail", JobStatus.Cancel));
    }

    [StoreFact]
    public async Task An_empty_filter_selects_nothing_and_a_job_that_ended_is_never_cancelled()
    {
        var store = OpenStore();
        var ids = await EnqueueOneJobPerStatusAsync(store, "q", first: 1);
        var now = BaseDate.AddHours(1);
        var ended = s_everyStatus.Except(s_cancellable).ToArray();

        Assert.Equal(0, await store.CancelAsync(new JobFilter(), now, now));
        Assert.Equal(0, await store.RequeueAsync(new JobFilter(), "elsewhere", keepRetryCount: false, now));
        Assert.Equal(0, await store.CancelAsync(new JobFilter { Statuses = ended }, now, now));
        Assert.Equal(0, await store.CancelAsync(JobFilter.ById(ids[JobStatus.Success]), now, now));

        await AssertUnchangedAsync(store, ids, s_everyStatus);
    }

    [StoreFact]
    public async Task Requeue_puts_jobs_of_any_status_at_the_end_of_their_queue_with_the_retry_count_reset()
    {
        var store = OpenStore();
        var ids = await EnqueueOneJobPerStatusAsync(store, "q", first: 1);
        var notQueued = s_everyStatus.Where(s => s != JobStatus.Queued).ToArray();
        var now = BaseDate.AddHours(1);

        Assert.Equal(notQueued.Length, await store.RequeueAsync(new JobFilter { Queue = "q", Statuses = notQueued }, null, keepRetryCount: false, now));

        foreach (var status in notQueued)
        {
            var info = (await store.GetAsync(ids[status]))!;
            Assert.Equal((JobStatus.Queued, "q", 0), (info.Status, info.Queue, info.RetryCount));
            Assert.Equal((now, now), (info.DateQueued, info.DateUpdated));
            Assert.Null(info.DateExpires);
            Assert.Null(info.DateRetry);
        }

        // The job that was queued already comes first; the requeued ones follow, queued at the same date, by id.
        var claimed = await ClaimAllAsync(store, "q", batch: 4);
        Assert.Equal(s_everyStatus.Select(s => ids[s]), claimed.Select(j => j.Id));
        Assert.All(claimed, j => Assert.Equal(0, j.RetryCount));
    }

    [StoreFact]
    public async Task Requeue_to_another_queue_keeps_or_resets_the_retry_count()
    {
        var store = OpenStore();
        var ids = await EnqueueOneJobPerStatusAsync(store, "q", first: 1);
        await store.EnqueueAsync(new[] { Job(100, BaseDate.AddMinutes(30), queue: "dest") });
        var now = BaseDate.AddHours(1);

        Assert.Equal(1, await store.RequeueAsync(JobFilter.ById(ids[JobStatus.Retry]), "dest", keepRetryCount: true, now));
        Assert.Equal(1, await store.RequeueAsync(new JobFilter { Queue = "q", Statuses = [JobStatus.Interrupt] }, "dest", keepRetryCount: false, now));

        var claimed = await ClaimAllAsync(store, "dest", batch: 10);
        Assert.Equal([Id(BaseDate.AddMinutes(30), 100), ids[JobStatus.Retry], ids[JobStatus.Interrupt]], claimed.Select(j => j.Id));
        Assert.Equal([0, 2, 0], claimed.Select(j => j.RetryCount));
        Assert.All(claimed, j => Assert.Equal("dest", j.Queue));
        Assert.Equal([ids[JobStatus.Queued]], (await ClaimAllAsync(store, "q", batch: 10)).Select(j => j.Id));
        Assert.Equal(0, await store.CountAsync("q", JobStatus.Retry));
    }

    [StoreFact]
    public async Task Progress_is_stored_per_job_and_becomes_1_on_success_only_when_it_was_reported()
    {
        var store = OpenStore();
        await store.EnqueueAsync(new[] { Job(1, BaseDate), Job(2, BaseDate) });
        await ClaimAllAsync(store, "default", 10, worker: "w");

        await store.SetProgressAsync(Id(BaseDate, 1), 0.25);
        await store.SetProgressAsync(Id(BaseDate, 1), 0.5);
        await store.SetProgressAsync(Id(BaseDate, 99), 0.5);
        Assert.Equal(0.5, (await store.GetAsync(Id(BaseDate, 1)))!.Progress);
        Assert.Null((await store.GetAsync(Id(BaseDate, 2)))!.Progress);
        Assert.Null(await store.GetAsync(Id(BaseDate, 99)));

        await store.CompleteAsync(new[]
        {
            new JobOutcome(Id(BaseDate, 1), JobStatus.Success, BaseDate) { Worker = "w" },
            new JobOutcome(Id(BaseDate, 2), JobStatus.Success, BaseDate) { Worker = "w" },
        });

        Assert.Equal(1.0, (await store.GetAsync(Id(BaseDate, 1)))!.Progress);
        Assert.Null((await store.GetAsync(Id(BaseDate, 2)))!.Progress);
    }

    [StoreFact]
    public async Task Logs_are_read_back_whole_oldest_first_and_empty_when_none()
    {
        var store = OpenStore();
        await store.EnqueueAsync(new[] { Job(1, BaseDate), Job(2, BaseDate) });
        await ClaimAllAsync(store, "default", 10, worker: "w");

        Assert.Equal("", await store.GetLogsAsync(Id(BaseDate, 1)));
        await store.CompleteAsync(new[] { new JobOutcome(Id(BaseDate, 1), JobStatus.Retry, BaseDate) { Worker = "w", Logs = "first ✓\n" } });
        await store.CompleteAsync(new[] { new JobOutcome(Id(BaseDate, 1), JobStatus.Success, BaseDate) { Logs = "second\n" } });

        Assert.Equal("first ✓\nsecond\n", await store.GetLogsAsync(Id(BaseDate, 1)));
        Assert.Equal("", await store.GetLogsAsync(Id(BaseDate, 2)));
        Assert.Equal("", await store.GetLogsAsync(Id(BaseDate, 99)));
    }
}
