using Microsoft.Data.Sqlite;
using Mrq.Storage;
using Mrq.Storage.Queries;
using Mrq.Storage.Sqlite;

namespace Mrq.Tests.Storage;

/// <summary>
/// The embedded store's <c>mrq_job_counts</c> (schema 8) against a real <c>COUNT(*)</c> of <c>mrq_jobs</c> after every
/// kind of write that changes a job's status, queue or existence, and the bounded pages built on it.
/// </summary>
public sealed class SqliteJobCountsTests : IAsyncLifetime
{
    private static readonly DateTime s_base = new(2025, 3, 14, 15, 9, 26, 535, DateTimeKind.Utc);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mrq-tests", "counts-" + Guid.NewGuid().ToString("N"));
    private SqliteJobStore? _store;

    private string DbFile => Path.Combine(_directory, "mrq.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [Fact]
    public async Task Counts_match_count_star_through_every_write_that_changes_a_status()
    {
        var store = _store = SqliteJobStore.Open(DbFile);
        var now = DateTime.UtcNow;
        var past = now.AddMinutes(-1);
        var n = 0;
        NewJob Job(string queue, string path) => new(Id(n), path, queue, Params(n++), s_base.AddSeconds(n));

        // Enqueue: three queues of one family, two paths.
        await store.EnqueueAsync(Enumerable.Range(0, 12).Select(i => Job(i % 3 == 0 ? "a" : i % 3 == 1 ? "a/sub" : "b", i % 2 == 0 ? "tests.P" : "tests.Q")).ToArray());
        AssertCountsMatch("enqueue");

        // FIFO claim, then the plain success statement (RETURNING), a failure and a retry elsewhere (general statement).
        var claimed = new List<ClaimedJob>();
        await store.ClaimAsync("a", 4, "w1", claimed);
        AssertCountsMatch("claim");
        await store.CompleteAsync(new[]
        {
            new JobOutcome(claimed[0].Id, JobStatus.Success, now, TotalTime: 0.1) { Worker = "w1" },
            new JobOutcome(claimed[1].Id, JobStatus.Failed, now, ExceptionType: "E", Traceback: "t") { Worker = "w1" },
            new JobOutcome(claimed[2].Id, JobStatus.Retry, now, ExceptionType: "E", Traceback: "t") { Worker = "w1", Queue = "b", DateRetry = past, RetryCount = 1 },
        });
        AssertCountsMatch("complete");

        // Due retries go back to queued.
        Assert.Equal(1, await store.RequeueDueRetriesAsync(now));
        AssertCountsMatch("retry due");

        // A filtered (LIFO, whitelisted) claim (UPDATE … RETURNING), and the worker's combined complete-and-claim.
        claimed.Clear();
        await store.ClaimAsync("a/sub", 2, "w2", new ClaimOptions { NewestFirst = true, OnlyPaths = ["tests.P", "tests.Q"] }, claimed);
        AssertCountsMatch("filtered claim");
        var more = new List<ClaimedJob>();
        await store.CompleteAndClaimAsync(
            new[] { new JobOutcome(claimed[0].Id, JobStatus.Success, now, DateExpires: past) { Worker = "w2", Logs = "a log line\n" } },
            "b", 2, "w2", ClaimOptions.Fifo, more);
        AssertCountsMatch("complete and claim");

        // Recovery of a dead worker's jobs.
        Assert.Equal(1, await store.RequeueStartedAsync([new StartedJob(claimed[1].Id, claimed[1].Path, "w2", now)], now));
        AssertCountsMatch("requeue started");

        // Dashboard actions: cancel, requeue to another queue, requeue by params.
        Assert.True(await store.CancelAsync(new JobFilter { Queue = "b" }, now, past) > 0);
        AssertCountsMatch("cancel");
        Assert.True(await store.RequeueAsync(new JobFilter { Statuses = [JobStatus.Cancel] }, "c", keepRetryCount: true, now) > 0);
        AssertCountsMatch("requeue to another queue");
        await store.CancelAsync(new JobFilter { Queue = "c" }, now, past);
        Assert.Equal(1, await store.RequeueAsync(new JobFilter { Queue = "c", Params = $$"""{"n": {{Number(more[0].Params)}}}""" }, null, keepRetryCount: false, now));
        AssertCountsMatch("requeue by params");

        // Raw-queue documents: a new one, the same id again (replaced), and a no-storage job's document at completion.
        var raw = new JobInfo { Id = Id(100), Path = "tests.Raw", Queue = "default", Status = JobStatus.Started, Params = Params(100), RawQueue = "x_raw", DateQueued = now };
        await store.InsertAsync(new[] { raw });
        AssertCountsMatch("insert document");
        await store.InsertAsync(new[] { raw with { Status = JobStatus.Success, DateExpires = past } });
        AssertCountsMatch("replace document");
        var noStorage = raw with { Id = Id(101), Status = JobStatus.Failed, ExceptionType = "E" };
        await store.CompleteAndInsertAsync(new[] { new JobOutcome(noStorage.Id, JobStatus.Failed, now, Document: noStorage) }, ReadOnlyMemory<JobInfo>.Empty);
        AssertCountsMatch("no-storage document");

        // Purge of expired jobs (cancelled and successful ones with a past expiry).
        Assert.True(await store.PurgeExpiredAsync(now) > 0);
        AssertCountsMatch("purge");

        // A call cancelled before its transaction changes nothing.
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.ClaimAsync("a", 1, "w3", new List<ClaimedJob>(), cancelled.Token));
        AssertCountsMatch("cancelled claim");

        // The aggregates and counts read the counts table and agree with the jobs.
        IJobQueries queries = store;
        var byQueue = (await queries.CountByQueueAndStatusAsync()).Select(g => (g.Key, g.Detail, g.Count)).Order().ToList();
        Assert.Equal(Rows("SELECT queue, status, COUNT(*) FROM mrq_jobs GROUP BY 1, 2"), byQueue);
        var byPath = (await queries.CountByPathAndStatusAsync()).Select(g => (g.Key, g.Detail, g.Count)).Order().ToList();
        Assert.Equal(Rows("SELECT path, status, COUNT(*) FROM mrq_jobs GROUP BY 1, 2"), byPath);
        var byRaw = (await queries.CountByRawQueueAndStatusAsync()).Select(g => (g.Key, g.Detail, g.Count)).Order().ToList();
        Assert.Equal(Rows("SELECT raw_queue, status, COUNT(*) FROM mrq_jobs WHERE raw_queue IS NOT NULL GROUP BY 1, 2"), byRaw);
        var family = await queries.CountJobsAsync(new JobFilter { Queue = "a/", Statuses = [JobStatus.Queued, JobStatus.Started] }, cap: 1);
        Assert.Equal(new JobCount(Scalar("SELECT COUNT(*) FROM mrq_jobs WHERE queue IN ('a', 'a/sub') AND status IN ('queued', 'started')"), false), family);
    }

    [Fact]
    public async Task A_success_written_by_a_store_that_did_not_claim_the_job_moves_it_from_started()
    {
        // The claiming store remembers each claimed job's combination and row; a store opened later (a restarted
        // worker, another process) knows neither and must read them, and a raw job's started document the same.
        var now = DateTime.UtcNow;
        var claimed = new List<ClaimedJob>();
        await using (var first = SqliteJobStore.Open(DbFile))
        {
            await first.EnqueueAsync(new[] { new NewJob(Id(1), "tests.P", "a", Params(1), s_base), new NewJob(Id(2), "tests.P", "a", Params(2), s_base.AddSeconds(1)) });
            await first.ClaimAsync("a", 2, "w1", claimed);
            await first.InsertAsync(new[] { new JobInfo { Id = Id(3), Path = "tests.Raw", Queue = "default", Status = JobStatus.Started, Params = Params(3), RawQueue = "x_raw", DateQueued = now, Worker = "w1" } });
        }

        var store = _store = SqliteJobStore.Open(DbFile);
        var more = new List<ClaimedJob>();
        await store.CompleteAndClaimAsync(
            new[]
            {
                new JobOutcome(claimed[0].Id, JobStatus.Success, now, TotalTime: 0.1) { Worker = "w1" },
                new JobOutcome(Id(3), JobStatus.Success, now, TotalTime: 0.1) { Worker = "w1" },
            },
            "a", 1, "w1", ClaimOptions.Fifo, more);
        AssertCountsMatch("success of jobs another store started");
        await store.CompleteAsync(new[] { new JobOutcome(claimed[1].Id, JobStatus.Success, now, TotalTime: 0.1) { Worker = "someone else" } });
        AssertCountsMatch("success refused: another worker's job");
        Assert.Equal(JobStatus.Started, (await store.GetAsync(claimed[1].Id))!.Status);
    }

    [Fact]
    public async Task Migration_from_version_8_fills_the_counts_from_the_jobs()
    {
        Directory.CreateDirectory(_directory);
        using (var connection = OpenRaw())
        {
            foreach (var step in SqliteSchema.Migrations.Take(8))
            {
                Execute(connection, step);
            }

            Execute(connection, "INSERT INTO mrq_jobs (id, path, queue, status, params, datequeued) VALUES (zeroblob(12), 'p', 'old', 'failed', x'80', 0);");
            Execute(connection, "INSERT INTO mrq_jobs (id, path, queue, status, params, datequeued, raw_queue) VALUES (x'000000000000000000000001', 'p', 'old', 'started', x'80', 0, 'r_raw');");
        }

        _store = SqliteJobStore.Open(DbFile);
        Assert.Equal((long)SqliteSchema.CurrentVersion, Scalar("PRAGMA user_version;"));
        AssertCountsMatch("migration");
        Assert.Equal(new JobCount(1, false), await ((IJobQueries)_store).CountJobsAsync(new JobFilter { Statuses = [JobStatus.Failed] }, 100));
    }

    [Fact]
    public async Task Pages_without_an_index_read_a_bounded_number_of_jobs_and_continue_from_their_cursor()
    {
        var store = _store = SqliteJobStore.Open(DbFile);
        IJobQueries queries = store;
        var total = SqliteJobStore.ScanBudget + 5_000;
        await store.EnqueueAsync(Enumerable.Range(0, total).Select(i => new NewJob(Id(i), "tests.P", "q", Params(i), s_base)).ToArray());

        // The two oldest jobs are started by w1: no index on worker, so the newest page stops at the budget.
        var claimed = new List<ClaimedJob>();
        await store.ClaimAsync("q", 2, "w1", claimed);
        await store.CompleteAsync(new[] { new JobOutcome(claimed[0].Id, JobStatus.Failed, DateTime.UtcNow, ExceptionType: "E") { Worker = "w1" } });
        var byWorker = new JobFilter { Worker = "w1", Statuses = [JobStatus.Failed] };
        var first = await queries.FindJobsAsync(byWorker, after: null, skip: 0, limit: 20);
        Assert.Empty(first.Jobs);
        Assert.True(first.Partial);
        Assert.NotNull(first.Next);
        var second = await queries.FindJobsAsync(byWorker, first.Next, skip: 0, limit: 20);
        Assert.Equal([claimed[0].Id], second.Jobs.Select(j => j.Id));
        Assert.False(second.Partial);
        Assert.Null(second.Next);
        var count = await queries.CountJobsAsync(byWorker, cap: 10_000);
        Assert.Equal(new JobCount(0, IsLowerBound: true), count);

        // A status no job has is answered from the counts without reading a job.
        var none = await queries.FindJobsAsync(new JobFilter { Statuses = [JobStatus.Cancel] }, null, 0, 20);
        Assert.Empty(none.Jobs);
        Assert.False(none.Partial);
        Assert.Null(none.Next);
        Assert.Equal(new JobCount(1, false), await queries.CountJobsAsync(new JobFilter { Statuses = [JobStatus.Failed] }, 10));

        // Index-served filters page with their cursor, newest first, and know where they end.
        var page = await queries.FindJobsAsync(new JobFilter { Queue = "q/" }, null, 0, 3);
        Assert.Equal(Enumerable.Range(total - 3, 3).Reverse().Select(Id), page.Jobs.Select(j => j.Id));
        var next = await queries.FindJobsAsync(new JobFilter { Queue = "q/" }, page.Next, 0, 3);
        Assert.Equal(Enumerable.Range(total - 6, 3).Reverse().Select(Id), next.Jobs.Select(j => j.Id));
        var exceptions = await queries.FindJobsAsync(new JobFilter { ExceptionType = "E" }, null, 0, 3);
        Assert.Single(exceptions.Jobs);
        Assert.False(exceptions.Partial);
        Assert.Null(exceptions.Next);
        await Assert.ThrowsAsync<ArgumentException>(async () => await queries.FindJobsAsync(new JobFilter(), "not a cursor", 0, 3));
    }

    private void AssertCountsMatch(string step)
    {
        var jobs = Rows("SELECT queue || '|' || path || '|' || COALESCE(raw_queue, ''), status, COUNT(*) FROM mrq_jobs GROUP BY 1, 2");
        var counts = Rows("SELECT queue || '|' || path || '|' || raw_queue, status, count FROM mrq_job_counts WHERE count <> 0");
        Assert.True(jobs.SequenceEqual(counts), $"after {step}: jobs {string.Join(", ", jobs)} but counts {string.Join(", ", counts)}");
    }

    private List<(string, string, long)> Rows(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows.Order().ToList();
    }

    private long Scalar(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbFile, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 5000;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static JobId Id(int n)
    {
        Span<byte> bytes = stackalloc byte[JobId.Size];
        bytes.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes[8..], n);
        bytes[0] = 0x60;
        return new JobId(bytes);
    }

    private static byte[] Params(int n) => [0x81, 0xA1, (byte)'n', 0xCE, (byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n];

    private static int Number(ReadOnlyMemory<byte> parameters) => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(parameters.Span[4..]);
}
