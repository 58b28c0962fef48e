using Mrq.Storage;
using Mrq.Storage.Queries;

namespace Mrq.Testing;

/// <summary>The dashboard's reads (<see cref="IJobQueries"/>), the same for every adapter.</summary>
public abstract partial class JobStoreConformanceTests
{
    protected IJobQueries OpenQueries() => (IJobQueries)OpenStore();

    [StoreFact]
    public async Task Queries_find_newest_first_with_paging_and_count_with_a_cap()
    {
        var queries = OpenQueries();
        var store = (IJobStore)queries;
        var jobs = Enumerable.Range(0, 25).Select(n => Job(n, BaseDate, queue: "q1"))
            .Concat(Enumerable.Range(25, 5).Select(n => Job(n, BaseDate, queue: "q1/sub")))
            .Concat(Enumerable.Range(30, 3).Select(n => Job(n, BaseDate, queue: "other", path: "tests.Other")))
            .ToArray();
        await store.EnqueueAsync(jobs);

        var page = await queries.FindJobsAsync(new JobFilter { Queue = "q1" }, after: null, skip: 0, limit: 10);
        Assert.Equal(Enumerable.Range(15, 10).Reverse().Select(n => Id(BaseDate, n)), page.Jobs.Select(j => j.Id));
        Assert.False(page.Partial);
        var following = await queries.FindJobsAsync(new JobFilter { Queue = "q1" }, page.Next, skip: 0, limit: 10);
        Assert.Equal(Enumerable.Range(5, 10).Reverse().Select(n => Id(BaseDate, n)), following.Jobs.Select(j => j.Id));
        var next = await queries.FindJobsAsync(new JobFilter { Queue = "q1" }, after: null, skip: 20, limit: 10);
        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(n => Id(BaseDate, n)), next.Jobs.Select(j => j.Id));
        Assert.Null(next.Next);
        Assert.All(page.Jobs, j => Assert.Equal(JobStatus.Queued, j.Status));

        Assert.Equal(25, (await queries.CountJobsAsync(new JobFilter { Queue = "q1" }, cap: 1000)).Count);
        Assert.Equal(30, (await queries.CountJobsAsync(new JobFilter { Queue = "q1/" }, cap: 1000)).Count);
        Assert.Equal(new JobCount(33, false), await queries.CountJobsAsync(new JobFilter(), cap: 1000));
        // A count stops at the cap unless the store keeps it (then it may say more).
        var capped = await queries.CountJobsAsync(new JobFilter(), cap: 7);
        Assert.Equal(capped.IsLowerBound ? 7 : 33, capped.Count);
        Assert.Equal(3, (await queries.CountJobsAsync(new JobFilter { Path = "tests.Other" }, cap: 1000)).Count);

        var subqueues = await queries.FindJobsAsync(new JobFilter { Queue = "q1/" }, after: null, skip: 0, limit: 100);
        Assert.Equal(30, subqueues.Jobs.Count);
        Assert.Equal(Id(BaseDate, 29), subqueues.Jobs[0].Id);
        Assert.Equal(Enumerable.Range(0, 30).Reverse().Select(n => Id(BaseDate, n)), subqueues.Jobs.Select(j => j.Id));

        var byParams = await queries.FindJobsAsync(new JobFilter { Params = """{"n": 31}""" }, after: null, skip: 0, limit: 10);
        Assert.Equal([Id(BaseDate, 31)], byParams.Jobs.Select(j => j.Id));
        Assert.Equal(new JobCount(1, false), await queries.CountJobsAsync(new JobFilter { Params = """{"n": 31}""" }, cap: 1000));
        Assert.Empty((await queries.FindJobsAsync(new JobFilter { Params = """{"n": 31}""" }, after: null, skip: 1, limit: 10)).Jobs);

        var claimed = new List<ClaimedJob>();
        await store.ClaimAsync("other", 2, "worker-9", claimed);
        var started = await queries.FindJobsAsync(new JobFilter { Statuses = [JobStatus.Started], Worker = "worker-9" }, after: null, skip: 0, limit: 10);
        Assert.Equal(2, started.Jobs.Count);
        Assert.Equal(new JobCount(1, false), await queries.CountJobsAsync(new JobFilter { Queue = "other", Statuses = [JobStatus.Queued] }, cap: 1000));
        Assert.Empty((await queries.FindJobsAsync(new JobFilter { Statuses = [JobStatus.Cancel] }, after: null, skip: 0, limit: 10)).Jobs);
    }

    [StoreFact]
    public async Task Queries_aggregate_by_queue_raw_queue_path_status_and_exception()
    {
        var queries = OpenQueries();
        var store = (IJobStore)queries;
        await store.EnqueueAsync(new[] { Job(1, BaseDate, queue: "a"), Job(2, BaseDate, queue: "a"), Job(3, BaseDate, queue: "b", path: "tests.B") });
        var claimed = new List<ClaimedJob>();
        await store.ClaimAsync("a", 1, "worker-1", claimed);
        await store.CompleteAsync(new[] { new JobOutcome(claimed[0].Id, JobStatus.Failed, BaseDate, ExceptionType: "System.TimeoutException", Traceback: "slow") });
        await store.InsertAsync(new[]
        {
            new JobInfo { Id = Id(BaseDate, 9), Path = "tests.Raw", Queue = "default", Status = JobStatus.Started, Params = Params(9), RawQueue = "x_raw", DateQueued = BaseDate },
        });

        var byQueue = await queries.CountByQueueAndStatusAsync();
        Assert.Equal(
            new[] { ("a", "failed", 1L), ("a", "queued", 1L), ("b", "queued", 1L), ("default", "started", 1L) },
            byQueue.Select(g => (g.Key, g.Detail, g.Count)).Order());
        Assert.Equal([("x_raw", "started", 1L)], (await queries.CountByRawQueueAndStatusAsync()).Select(g => (g.Key, g.Detail, g.Count)));
        Assert.Equal(
            new[] { ("tests.Add", "failed", 1L), ("tests.Add", "queued", 1L), ("tests.B", "queued", 1L), ("tests.Raw", "started", 1L) },
            (await queries.CountByPathAndStatusAsync()).Select(g => (g.Key, g.Detail, g.Count)).Order());
        Assert.Equal([("tests.Add", "System.TimeoutException", 1L)], (await queries.CountExceptionsAsync()).Select(g => (g.Key, g.Detail, g.Count)));
        Assert.Single((await queries.FindJobsAsync(new JobFilter { RawQueue = "x_raw" }, null, 0, 10)).Jobs);
    }

    [StoreFact]
    public async Task Queries_read_logs_after_a_cursor()
    {
        var queries = OpenQueries();
        var store = (IJobStore)queries;
        var job = Job(1, BaseDate);
        await store.EnqueueAsync(new[] { job });

        var empty = await queries.ReadLogsAsync(job.Id, null);
        Assert.Equal("", empty.Logs);

        await store.CompleteAsync(new[] { new JobOutcome(job.Id, JobStatus.Success, BaseDate) { Logs = "line 1\n" } });
        var first = await queries.ReadLogsAsync(job.Id, empty.Cursor);
        Assert.Equal("line 1\n", first.Logs);

        var none = await queries.ReadLogsAsync(job.Id, first.Cursor);
        Assert.Equal("", none.Logs);
        Assert.Equal(first.Cursor, none.Cursor);

        await store.CompleteAsync(new[] { new JobOutcome(job.Id, JobStatus.Success, BaseDate) { Logs = "line 2\n" } });
        Assert.Equal("line 2\n", (await queries.ReadLogsAsync(job.Id, none.Cursor)).Logs);
        Assert.Equal("line 1\nline 2\n", (await queries.ReadLogsAsync(job.Id, null)).Logs);
        await Assert.ThrowsAsync<ArgumentException>(async () => await queries.ReadLogsAsync(job.Id, "not a cursor"));
    }
}
