using Mrq.Storage;

namespace Mrq.Testing;

/// <summary>
/// Maintenance (<see cref="IJobMaintenance"/>): due retries back to their queue, expired jobs purged. The maintenance
/// passes take their <c>now</c> as an argument, so each test moves time forward by itself.
/// </summary>
public abstract partial class JobStoreConformanceTests
{
    [StoreFact]
    public async Task Due_retries_go_back_to_the_end_of_their_queue_keeping_their_retry_count()
    {
        var store = OpenStore();
        var ids = await EnqueueOneJobPerStatusAsync(store, "q", first: 1);
        var later = RetryDue.AddMinutes(1);
        await store.EnqueueAsync(new[] { Job(100, BaseDate, queue: "r") });
        await ClaimAllAsync(store, "r", 1);
        await store.CompleteAsync(new[]
        {
            new JobOutcome(Id(BaseDate, 100), JobStatus.Retry, Ended) { Queue = "moved", RetryCount = 1, DateRetry = later },
        });

        Assert.Equal(0, await store.RequeueDueRetriesAsync(RetryDue.AddMilliseconds(-1)));
        Assert.Equal(1, await store.RequeueDueRetriesAsync(RetryDue));

        var requeued = (await store.GetAsync(ids[JobStatus.Retry]))!;
        Assert.Equal((JobStatus.Queued, "q", 2), (requeued.Status, requeued.Queue, requeued.RetryCount));
        Assert.Equal(RetryDue, requeued.DateQueued);
        Assert.Null(requeued.DateRetry);
        var notYet = (await store.GetAsync(Id(BaseDate, 100)))!;
        Assert.Equal((JobStatus.Retry, later), (notYet.Status, notYet.DateRetry));
        await AssertUnchangedAsync(store, ids, s_everyStatus.Where(s => s != JobStatus.Retry));
        var claimed = await ClaimAllAsync(store, "q", 10);
        Assert.Equal([ids[JobStatus.Queued], ids[JobStatus.Retry]], claimed.Select(j => j.Id));
        Assert.Equal([0, 2], claimed.Select(j => j.RetryCount));

        Assert.Equal(1, await store.RequeueDueRetriesAsync(later.AddDays(1)));
        Assert.Equal(0, await store.RequeueDueRetriesAsync(later.AddDays(1)));
        var moved = Assert.Single(await ClaimAllAsync(store, "moved", 10));
        Assert.Equal((Id(BaseDate, 100), 1), (moved.Id, moved.RetryCount));
    }

    [StoreFact]
    public async Task A_delayed_job_waits_as_a_retry_until_its_date_then_joins_its_queue()
    {
        var store = OpenStore();
        var due = BaseDate.AddMinutes(5);
        await store.EnqueueAsync(new[] { Job(1, BaseDate) with { DateRetry = due }, Job(2, BaseDate) });

        var waiting = (await store.GetAsync(Id(BaseDate, 1)))!;
        Assert.Equal((JobStatus.Retry, (DateTime?)due, 0, (DateTime?)BaseDate), (waiting.Status, waiting.DateRetry, waiting.RetryCount, waiting.DateQueued));
        Assert.Equal((1L, 1L), (await store.CountAsync("default", JobStatus.Retry), await store.CountAsync("default", JobStatus.Queued)));
        Assert.Equal([Id(BaseDate, 2)], (await ClaimAllAsync(store, "default", 10)).Select(j => j.Id));

        Assert.Equal(0, await store.RequeueDueRetriesAsync(due.AddMilliseconds(-1)));
        Assert.Equal(1, await store.RequeueDueRetriesAsync(due));
        var ran = Assert.Single(await ClaimAllAsync(store, "default", 10));
        Assert.Equal((Id(BaseDate, 1), 0), (ran.Id, ran.RetryCount));
        Assert.Equal(0, await store.CountAsync("default", JobStatus.Retry));
    }

    [StoreFact]
    public async Task Purge_deletes_only_expired_jobs_with_their_logs()
    {
        var store = OpenStore();
        await store.EnqueueAsync(Enumerable.Range(1, 6).Select(n => Job(n, BaseDate)).ToArray());
        await ClaimAllAsync(store, "default", 10, worker: "w");
        var soon = BaseDate.AddSeconds(1);
        await store.CompleteAsync(new[]
        {
            new JobOutcome(Id(BaseDate, 1), JobStatus.Success, BaseDate, DateExpires: soon) { Logs = "a\n" },
            new JobOutcome(Id(BaseDate, 2), JobStatus.Success, BaseDate, DateExpires: BaseDate.AddDays(1)) { Logs = "b\n" },
            new JobOutcome(Id(BaseDate, 3), JobStatus.Failed, BaseDate, DateExpires: soon.AddMilliseconds(-1)),
            new JobOutcome(Id(BaseDate, 4), JobStatus.Success, BaseDate, DateExpires: soon),
        });
        Assert.Equal(1, await store.CancelAsync(JobFilter.ById(Id(BaseDate, 5)), BaseDate, soon));
        // A requeued job no longer expires; job 6 stays started, and job 7 is queued: neither has an expiry.
        Assert.Equal(1, await store.RequeueAsync(JobFilter.ById(Id(BaseDate, 4)), null, keepRetryCount: false, BaseDate));
        await store.EnqueueAsync(new[] { Job(7, BaseDate) });

        Assert.Equal("a\n", await store.GetLogsAsync(Id(BaseDate, 1)));
        Assert.Equal(0, await store.PurgeExpiredAsync(BaseDate));
        Assert.Equal(3, await store.PurgeExpiredAsync(soon));

        foreach (var gone in new[] { 1, 3, 5 })
        {
            Assert.Null(await store.GetAsync(Id(BaseDate, gone)));
        }

        Assert.Equal("", await store.GetLogsAsync(Id(BaseDate, 1)));
        Assert.Equal("b\n", await store.GetLogsAsync(Id(BaseDate, 2)));

        Assert.Equal(1, await store.PurgeExpiredAsync(BaseDate.AddYears(100)));
        Assert.Null(await store.GetAsync(Id(BaseDate, 2)));
        Assert.Equal(0, await store.CountAsync("default", JobStatus.Success));
        Assert.Equal(JobStatus.Started, (await store.GetAsync(Id(BaseDate, 6)))!.Status);
        Assert.Equal(2, await store.CountAsync("default", JobStatus.Queued));
    }
}
