using Microsoft.Data.Sqlite;
using Mrq.Storage;
using Mrq.Storage.Sqlite;
using Mrq.Storage.SqliteBroker;
using Mrq.Tests.Support;

namespace Mrq.Tests.Storage;

/// <summary>
/// Files left by every earlier version of the embedded schema, with data in each table that version had, opened by the
/// current store and broker: the data is intact and the schema is the one a new file gets.
/// </summary>
public sealed class SqliteSchemaUpgradeTests : IDisposable
{
    // What SqliteQueueBroker ran on every open before its tables joined the schema (version 8), whatever the file's
    // version: kept here verbatim, so the test keeps describing old files if the migration step changes.
    private const string BrokerTablesCreatedTheOldWay = """
        CREATE TABLE IF NOT EXISTS raw_items (
          seq INTEGER PRIMARY KEY,
          queue TEXT NOT NULL,
          value TEXT NOT NULL,
          score REAL NOT NULL DEFAULT 0,
          uniq INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS raw_items_order ON raw_items(queue, score, seq);
        CREATE UNIQUE INDEX IF NOT EXISTS raw_items_unique ON raw_items(queue, value) WHERE uniq = 1;
        CREATE TABLE IF NOT EXISTS raw_subqueues (
          root TEXT NOT NULL,
          queue TEXT NOT NULL,
          PRIMARY KEY (root, queue)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS paused_queues (
          queue TEXT NOT NULL PRIMARY KEY
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS concurrency_slots (
          name TEXT NOT NULL,
          holder TEXT NOT NULL,
          expires REAL NOT NULL,
          PRIMARY KEY (name, holder)
        ) WITHOUT ROWID;
        """;

    private const string RawItems = """
        INSERT INTO raw_items (queue, value, score, uniq) VALUES
          ('up_raw', 'a', 0, 0), ('up_raw', 'b', 0, 0), ('up_raw/sub', 'c', 0, 0),
          ('up_set', 'x', 0, 1), ('up_timed_set', 't', 12.5, 1);
        INSERT INTO raw_subqueues (root, queue) VALUES ('up_raw', 'up_raw/sub');
        INSERT INTO paused_queues (queue) VALUES ('paused_queue');
        INSERT INTO concurrency_slots (name, holder, expires) VALUES ('slot', 'holder-1', 1e12);
        """;

    private static readonly JobId s_queued = JobId.Parse("00000000000000000000000a");
    private static readonly JobId s_succeeded = JobId.Parse("00000000000000000000000b");
    private static readonly JobId s_failed = JobId.Parse("00000000000000000000000c");
    private static readonly JobId s_traced = JobId.Parse("00000000000000000000000d");
    private static readonly DateTime s_reported = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    [InlineData(5, true)]
    [InlineData(6, true)]
    [InlineData(7, true)]
    [InlineData(7, false)]
    [InlineData(8, false)]
    [InlineData(9, false)]
    public async Task A_file_of_an_earlier_version_upgrades_with_its_data_intact(int version, bool oldBrokerTables)
    {
        var path = _directory.File("old.db");
        using (var connection = OpenRaw(path))
        {
            foreach (var step in SqliteSchema.Migrations.Take(version))
            {
                Execute(connection, step);
            }

            Assert.Equal((long)version, Scalar(connection, "PRAGMA user_version;"));
            if (oldBrokerTables)
            {
                Execute(connection, BrokerTablesCreatedTheOldWay);
                Execute(connection, RawItems);
            }

            WriteJobs(connection, version);
            if (version >= 9)
            {
                // A file of version 9 or later keeps its counts with its jobs, as the store's writes did.
                Execute(connection, "INSERT INTO mrq_job_counts (queue, path, raw_queue, status, count) SELECT queue, path, COALESCE(raw_queue, ''), status, COUNT(*) FROM mrq_jobs GROUP BY 1, 2, 3, 4;");
            }
        }

        await using (var store = SqliteJobStore.Open(path))
        await using (var broker = new SqliteQueueBroker(path))
        {
            await AssertJobsIntactAsync(store, version);
            if (oldBrokerTables)
            {
                await AssertRawItemsIntactAsync(broker);
            }

            // The broker's tables work whichever way they were created: a set still drops duplicates.
            await broker.EnqueueAsync("up_set", new[] { new RawItem("x"), new RawItem("y") });
            Assert.Equal(2, await broker.SizeAsync("up_set"));
        }

        AssertSchemaIsCurrent(path);
    }

    [Fact]
    public async Task A_file_only_the_broker_opened_before_upgrades_when_the_store_opens_it()
    {
        // Version 0 with the broker's tables: the broker created them on a new file before any store opened it.
        var path = _directory.File("broker-first.db");
        using (var connection = OpenRaw(path))
        {
            Execute(connection, BrokerTablesCreatedTheOldWay);
            Execute(connection, RawItems);
            Assert.Equal(0L, Scalar(connection, "PRAGMA user_version;"));
        }

        await using (var store = SqliteJobStore.Open(path))
        await using (var broker = new SqliteQueueBroker(path))
        {
            await AssertRawItemsIntactAsync(broker);
            Assert.Equal(0, await store.CountAsync("up", JobStatus.Queued));
        }

        AssertSchemaIsCurrent(path);
    }

    [Fact]
    public async Task The_broker_alone_creates_the_current_schema()
    {
        var path = _directory.File("broker.db");
        await using (var broker = new SqliteQueueBroker(path))
        {
            await broker.EnqueueAsync("new_raw", new[] { new RawItem("a") });
        }

        AssertSchemaIsCurrent(path);
    }

    /// <summary>Rows in the columns and tables of <paramref name="version"/>, as a Mrq of that version wrote them.</summary>
    private static void WriteJobs(SqliteConnection connection, int version)
    {
        Execute(connection, $"""
            INSERT INTO mrq_jobs (id, path, queue, status, params, datequeued) VALUES (x'{s_queued}', 'tasks.Square', 'up', 'queued', x'81a16e2a', 1000);
            INSERT INTO mrq_jobs (id, path, queue, status, params, result, datequeued, datestarted, dateupdated, worker, totaltime)
              VALUES (x'{s_succeeded}', 'tasks.Square', 'up', 'success', x'80', x'cd0690', 1000, 2000, 3000, 'w1', 0.5);
            """);
        if (version >= 2)
        {
            Execute(connection, $$"""
                INSERT INTO mrq_jobs (id, path, queue, status, params, exceptiontype, traceback, datequeued, retry_count, traceback_history)
                  VALUES (x'{{s_failed}}', 'tasks.Fail', 'up', 'failed', x'80', 'ValueError', 'tb', 1000, 2,
                  '[{"date": 4000, "status": "failed", "exceptiontype": "ValueError", "traceback": "tb", "original_traceback": null, "worker": "w1"}]');
                INSERT INTO mrq_logs (job, logs) VALUES (x'{{s_succeeded}}', 'first line' || char(10));
                """);
        }

        if (version >= 3)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO mrq_workers (id, name, status, datestarted, datereported, report) VALUES ('w1', 'host.1', 'wait', 1000, $reported, $report);";
            command.Parameters.AddWithValue("$reported", SqliteDates.ToUnixMilliseconds(s_reported));
            command.Parameters.AddWithValue("$report", SqliteWorkerReports.ToJson(Report()));
            command.ExecuteNonQuery();
        }

        if (version >= 4)
        {
            Execute(connection, "INSERT INTO mrq_scheduled_jobs (hash, path, params, queue, interval, datelastqueued) VALUES ('h1', 'tasks.Tick', '{}', 'up', 60, 5000);");
        }

        if (version >= 6)
        {
            Execute(connection, $"""
                INSERT INTO mrq_jobs (id, path, queue, status, params, datequeued, traceparent, tracestate)
                  VALUES (x'{s_traced}', 'tasks.Square', 'traced', 'queued', x'80', 1000, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'k=v');
                """);
        }
    }

    private static async Task AssertJobsIntactAsync(SqliteJobStore store, int version)
    {
        var queued = await store.GetAsync(s_queued);
        Assert.NotNull(queued);
        Assert.Equal(JobStatus.Queued, queued.Status);
        Assert.Equal(new byte[] { 0x81, 0xa1, 0x6e, 0x2a }, queued.Params.ToArray());
        Assert.Equal(SqliteDates.FromUnixMilliseconds(1000), queued.DateQueued);

        var succeeded = await store.GetAsync(s_succeeded);
        Assert.NotNull(succeeded);
        Assert.Equal(JobStatus.Success, succeeded.Status);
        Assert.Equal(new byte[] { 0xcd, 0x06, 0x90 }, succeeded.Result!.Value.ToArray());
        Assert.Equal("w1", succeeded.Worker);
        Assert.Equal(0.5, succeeded.TotalTime);

        // The queued job is still claimable, oldest first, through the current statements.
        var claimed = new List<ClaimedJob>();
        Assert.Equal(1, await store.ClaimAsync("up", 10, "w2", claimed));
        Assert.Equal(s_queued, claimed[0].Id);
        Assert.Null(claimed[0].TraceParent);

        if (version >= 2)
        {
            var failed = await store.GetAsync(s_failed);
            Assert.NotNull(failed);
            Assert.Equal(JobStatus.Failed, failed.Status);
            Assert.Equal(2, failed.RetryCount);
            var entry = Assert.Single(failed.TracebackHistory);
            Assert.Equal("ValueError", entry.ExceptionType);
            Assert.Equal("w1", entry.Worker);
            Assert.Equal("first line\n", await store.GetLogsAsync(s_succeeded));
        }

        if (version >= 3)
        {
            var worker = Assert.Single(await store.GetWorkersAsync());
            Assert.Equal(("w1", "host.1", "wait", 7L, s_reported), (worker.Id, worker.Name, worker.Status, worker.DoneJobs, worker.DateReported));
            Assert.Equal(["up"], worker.Config.Queues);
            Assert.Equal((2, 42), (worker.Config.Greenlets, worker.Process.Pid));
        }

        if (version >= 4)
        {
            var scheduled = Assert.Single(await store.GetScheduledJobsAsync());
            Assert.Equal(("h1", "tasks.Tick", 60, SqliteDates.FromUnixMilliseconds(5000)), (scheduled.Hash, scheduled.Path, scheduled.Interval, scheduled.DateLastQueued));
        }

        if (version >= 6)
        {
            var traced = new List<ClaimedJob>();
            Assert.Equal(1, await store.ClaimAsync("traced", 1, "w2", traced));
            Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", traced[0].TraceParent);
            Assert.Equal("k=v", traced[0].TraceState);
        }
    }

    private static async Task AssertRawItemsIntactAsync(SqliteQueueBroker broker)
    {
        Assert.Equal(["a", "b"], (await broker.ListAsync("up_raw", 0, 10)).Select(i => i.Value));
        Assert.Equal(3, await broker.SizeAsync("up_raw/"));
        Assert.Equal(["up_raw/sub"], await broker.KnownSubqueuesAsync("up_raw"));
        Assert.Equal(12.5, Assert.Single(await broker.ListAsync("up_timed_set", 0, 10)).Score);
        Assert.Equal(["paused_queue"], await broker.GetPausedQueuesAsync());

        // The slot held before the upgrade is still held.
        Assert.False(await broker.TryAcquireSlotAsync("slot", "holder-2", 1, DateTime.UtcNow, DateTime.UtcNow.AddMinutes(1)));

        var taken = new List<string>();
        Assert.Equal(3, await broker.DequeueAsync("up_raw/", 10, DateTime.UtcNow, 0, taken));
        Assert.Equal(["a", "b", "c"], taken);
    }

    /// <summary>The file's version is current and its tables and indexes are exactly those of a new file.</summary>
    private void AssertSchemaIsCurrent(string path)
    {
        var fresh = _directory.File("fresh-" + Guid.NewGuid().ToString("N") + ".db");
        using (var connection = OpenRaw(fresh))
        {
            SqliteSchema.Migrate(connection);
        }

        using var upgraded = OpenRaw(path);
        using var created = OpenRaw(fresh);
        Assert.Equal((long)SqliteSchema.CurrentVersion, Scalar(upgraded, "PRAGMA user_version;"));
        Assert.Equal(SchemaOf(created), SchemaOf(upgraded));
    }

    private static List<string> SchemaOf(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name;";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            var sql = reader.IsDBNull(3) ? "" : string.Join(' ', reader.GetString(3).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            rows.Add($"{reader.GetString(0)} {reader.GetString(1)} on {reader.GetString(2)}: {sql}");
        }

        return rows;
    }

    private static WorkerReport Report() => new()
    {
        Id = "w1",
        Name = "host.1",
        Status = "wait",
        DateStarted = SqliteDates.FromUnixMilliseconds(1000),
        DateReported = s_reported,
        DoneJobs = 7,
        Config = new WorkerReport.WorkerConfig { Queues = ["up"], DequeueStrategy = "sequential", Greenlets = 2 },
        Process = new WorkerReport.ProcessUsage { Pid = 42 },
    };

    private static SqliteConnection OpenRaw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
