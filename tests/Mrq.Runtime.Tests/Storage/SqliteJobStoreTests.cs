using Microsoft.Data.Sqlite;
using Mrq.Storage;
using Mrq.Storage.Sqlite;
using Xunit.Abstractions;

namespace Mrq.Tests.Storage;

/// <summary>The conformance suite on a real SQLite file per test, plus what only the embedded store promises.</summary>
public sealed class SqliteJobStoreTests(ITestOutputHelper output) : JobStoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mrq-tests", "sqlite-" + Guid.NewGuid().ToString("N"));

    private string DbFile => Path.Combine(_directory, "mrq.db");

    protected override IJobStore OpenStoreCore() => SqliteJobStore.Open(DbFile);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A probe process may hold the file a moment longer; the OS temp cleaner gets it later.
        }
    }

    [Fact]
    public async Task Open_creates_the_directory_and_a_wal_file_with_the_current_schema()
    {
        var store = OpenStore();
        await store.EnqueueAsync(new[] { Job(1, BaseDate) });

        Assert.True(File.Exists(DbFile));
        using var connection = OpenRaw();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
        Assert.Equal((long)SqliteSchema.CurrentVersion, Scalar(connection, "PRAGMA user_version;"));
        Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'mrq_jobs';"));
        Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name = 'mrq_jobs_dequeue';"));
        Assert.Equal("queued", Scalar(connection, "SELECT status FROM mrq_jobs;"));
        Assert.Equal(BaseDate.Ticks / TimeSpan.TicksPerMillisecond - DateTime.UnixEpoch.Ticks / TimeSpan.TicksPerMillisecond, Scalar(connection, "SELECT datequeued FROM mrq_jobs;"));
    }

    [Fact]
    public async Task Many_instances_creating_the_same_new_file_at_once_all_succeed()
    {
        using var start = new ManualResetEventSlim();
        var opening = Enumerable.Range(0, 8).Select(n => Task.Run(async () =>
        {
            start.Wait();
            var store = OpenStore();
            await store.EnqueueAsync(new[] { Job(n, BaseDate) });
            return store;
        })).ToArray();
        start.Set();
        var stores = await Task.WhenAll(opening);

        Assert.Equal(8, await stores[0].CountAsync("default", JobStatus.Queued));
    }

    [Fact]
    public async Task Jobs_survive_closing_and_reopening_the_file()
    {
        var job = Job(1, BaseDate);
        await using (var first = SqliteJobStore.Open(DbFile))
        {
            await first.EnqueueAsync(new[] { job });
        }

        // The last connection out checkpointed the WAL into the file and removed it.
        Assert.False(File.Exists(DbFile + "-wal"));
        var reopened = OpenStore();
        Assert.Equal(JobStatus.Queued, (await reopened.GetAsync(job.Id))!.Status);
    }

    [Fact]
    public void A_file_with_a_newer_schema_is_refused()
    {
        Directory.CreateDirectory(_directory);
        using (var connection = OpenRaw())
        {
            Scalar(connection, "PRAGMA user_version = 99;");
        }

        Assert.Throws<NotSupportedException>(() => SqliteJobStore.Open(DbFile));
    }

    [Fact]
    public void The_claim_reads_the_partial_dequeue_index_without_sorting()
    {
        var plan = QueryPlan(SqliteJobStore.ClaimSelectSql);

        Assert.Contains(plan, line => line.Contains("mrq_jobs_dequeue", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN", StringComparison.Ordinal));
    }

    [Fact]
    public void The_claim_marks_each_row_started_by_rowid()
    {
        var plan = QueryPlan(SqliteJobStore.ClaimRowSql);

        Assert.Equal(["SEARCH mrq_jobs USING INTEGER PRIMARY KEY (rowid=?)"], plan);
    }

    [Fact]
    public void Schema_10_indexes_queue_and_path_together_without_status()
    {
        OpenStore();
        using var connection = OpenRaw();

        // Every claim and completion assigns status: an index with status in it would move on each of them.
        Assert.Equal(0L, Scalar(connection, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name IN ('mrq_jobs_queue_status', 'mrq_jobs_path_status');"));
        // One index for both (schema 10): each index costs every insert about a microsecond.
        Assert.Equal(0L, Scalar(connection, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name IN ('mrq_jobs_queue', 'mrq_jobs_path');"));
        Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name = 'mrq_jobs_queue_path';"));
        Assert.Equal((long)SqliteSchema.CurrentVersion, Scalar(connection, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task Schema_6_adds_nullable_trace_context_columns_to_a_version_5_file()
    {
        // A version 5 file with a queued job, as an older Mrq left it.
        Directory.CreateDirectory(_directory);
        using (var connection = OpenRaw())
        {
            foreach (var step in SqliteSchema.Migrations.Take(5))
            {
                using var command = connection.CreateCommand();
                command.CommandText = step;
                command.ExecuteNonQuery();
            }

            Scalar(connection, "INSERT INTO mrq_jobs (id, path, queue, status, params, datequeued) VALUES (zeroblob(12), 'p', 'old', 'queued', x'80', 0);");
        }

        var store = OpenStore();
        var claimed = new List<ClaimedJob>();
        Assert.Equal(1, await store.ClaimAsync("old", 1, "w", claimed));
        Assert.Null(claimed[0].TraceParent);
        using var check = OpenRaw();
        Assert.Equal((long)SqliteSchema.CurrentVersion, Scalar(check, "PRAGMA user_version;"));
        Assert.Equal(1L, Scalar(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'mrq_jobs_exceptions';"));
        // No index whose condition names status: every claim and completion assigns it (see SqliteSchema's remarks).
        Assert.Equal(0L, Scalar(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'mrq_jobs_unsuccessful';"));
        Assert.Equal(2L, Scalar(check, "SELECT COUNT(*) FROM pragma_table_info('mrq_jobs') WHERE name IN ('traceparent', 'tracestate') AND \"notnull\" = 0;"));
    }

    private List<string> QueryPlan(string sql)
    {
        OpenStore();
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;

        // The statements number their parameters (?1, ?2, ?3); the plan does not depend on the values.
        command.Parameters.AddWithValue("?1", 1L);
        command.Parameters.AddWithValue("?2", 10L);
        command.Parameters.AddWithValue("?3", "w");

        var plan = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    [Fact]
    public async Task Complete_and_insert_is_one_transaction()
    {
        var store = OpenStore();
        var job = Job(1, BaseDate);
        await store.EnqueueAsync(new[] { job });
        var claimed = new List<ClaimedJob>();
        await store.ClaimAsync("default", 1, "w", claimed);
        var broken = new JobInfo { Id = Id(BaseDate, 2), Path = null!, Queue = "default", Status = JobStatus.Started, Params = Params(2) };

        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await store.CompleteAndInsertAsync(new[] { new JobOutcome(job.Id, JobStatus.Success, BaseDate) { Worker = "w" } }, new[] { broken }));

        // The document failed, so the outcome written before it in the same call was rolled back too.
        Assert.Equal(JobStatus.Started, (await store.GetAsync(job.Id))!.Status);
        Assert.Null(await store.GetAsync(broken.Id));
    }

    [Fact]
    public async Task A_failing_enqueue_chunk_inserts_none_of_its_jobs()
    {
        var store = OpenStore();
        var existing = Job(1, BaseDate);
        await store.EnqueueAsync(new[] { existing });

        await Assert.ThrowsAsync<SqliteException>(async () => await store.EnqueueAsync(new[] { Job(2, BaseDate), Job(3, BaseDate), existing, Job(4, BaseDate) }));

        Assert.Equal(1, await store.CountAsync("default", JobStatus.Queued));
        Assert.Null(await store.GetAsync(Id(BaseDate, 2)));

        // The store is still usable after the rollback.
        await store.EnqueueAsync(new[] { Job(5, BaseDate) });
        Assert.Equal(2, (await ClaimAllAsync(store, "default", 10)).Count);
    }

    [Fact]
    public async Task A_claim_waits_for_another_connection_holding_the_write_lock_instead_of_failing()
    {
        var store = OpenStore();
        await store.EnqueueAsync(new[] { Job(1, BaseDate), Job(2, BaseDate) });
        using var blocker = OpenRaw();
        Scalar(blocker, "BEGIN IMMEDIATE;");
        Scalar(blocker, "UPDATE mrq_jobs SET status = 'cancel' WHERE id = (SELECT MIN(id) FROM mrq_jobs);");

        var into = new List<ClaimedJob>();
        var claim = Task.Run(async () => await store.ClaimAsync("default", 10, "w", into));
        await Task.Delay(300);
        Scalar(blocker, "COMMIT;");

        Assert.Equal(1, await claim);
        Assert.Equal(Id(BaseDate, 2), into[0].Id);
    }

    [Fact]
    public async Task A_claim_that_waited_for_the_write_lock_counts_its_jobs_once_it_holds_the_lock()
    {
        var store = OpenStore();
        await store.EnqueueAsync(Enumerable.Range(1, 10).Select(n => Job(n, BaseDate)).ToArray());
        using var blocker = OpenRaw();
        Scalar(blocker, "BEGIN IMMEDIATE;");

        var recount = new RecountAfterRelease();
        var into = new List<ClaimedJob>();
        var claim = Task.Run(async () => await ((IRecountingJobQueue)store).CompleteAndClaimAsync(
            ReadOnlyMemory<JobOutcome>.Empty, "default", 2, recount, "w", ClaimOptions.Fifo, into));
        await Task.Delay(300);
        recount.Released = true;
        Scalar(blocker, "COMMIT;");

        // Asked before the lock was free, the recount would have kept the 2 planned.
        Assert.Equal(6, await claim);
        Assert.Equal(Enumerable.Range(1, 6).Select(n => Id(BaseDate, n)), into.Select(j => j.Id));
        Assert.Equal(4, await store.CountAsync("default", JobStatus.Queued));
    }

    [Fact]
    public async Task Two_processes_claiming_from_one_file_never_get_the_same_job()
    {
        const int total = 20_000;
        var store = OpenStore();
        var jobs = Enumerable.Range(0, total).Select(n => Job(n, BaseDate.AddMilliseconds(n % 7), queue: "probe")).ToArray();
        await store.EnqueueAsync(jobs);
        var goFile = Path.Combine(_directory, "go");

        using var first = ClaimProbeProcess.Start(DbFile, "probe", "probe-1", 1, 20, goFile);
        using var second = ClaimProbeProcess.Start(DbFile, "probe", "probe-2", 1, 20, goFile);
        await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        await File.WriteAllTextAsync(goFile, "go");
        var firstIds = await first.WaitForIdsAsync(TimeSpan.FromSeconds(60));
        var secondIds = await second.WaitForIdsAsync(TimeSpan.FromSeconds(60));

        output.WriteLine($"probe-1 claimed {firstIds.Count} jobs, probe-2 {secondIds.Count}.");
        var seen = new HashSet<JobId>();
        foreach (var id in firstIds.Concat(secondIds))
        {
            Assert.True(seen.Add(id), $"Job {id} was claimed by both processes (or twice by one).");
        }

        Assert.Equal(total, seen.Count);
        Assert.True(seen.SetEquals(jobs.Select(j => j.Id)));
        Assert.Equal(total, await store.CountAsync("probe", JobStatus.Started));
        foreach (var (ids, worker) in new[] { (firstIds, "probe-1"), (secondIds, "probe-2") })
        {
            foreach (var id in ids)
            {
                Assert.Equal(worker, (await store.GetAsync(id))!.Worker);
            }
        }
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbFile, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 5000;";
        command.ExecuteNonQuery();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private sealed class RecountAfterRelease : IClaimRecount
    {
        private volatile bool _released;

        public bool Released
        {
            get => _released;
            set => _released = value;
        }

        public int Recount(int planned) => Released ? planned + 4 : planned;
    }
}
