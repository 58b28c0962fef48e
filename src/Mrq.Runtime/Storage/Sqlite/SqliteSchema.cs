using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// The embedded store's file: how connections are opened and configured, and the versioned schema.
/// </summary>
/// <remarks>
/// <para>
/// Every connection runs in WAL journal mode with <c>synchronous=NORMAL</c> (a commit is durable against a process
/// crash; a power loss may lose the last commits but never corrupts the file) and waits for the write lock instead of
/// failing: SQLite's own busy handler waits up to 5 s per attempt and
/// Microsoft.Data.Sqlite retries a statement that still reports <c>SQLITE_BUSY</c>/<c>SQLITE_LOCKED</c> until
/// <see cref="CommandTimeoutSeconds"/> have passed. Connections are not pooled: the store keeps its few connections
/// open for its lifetime and closing them really closes the file (the last one out checkpoints the WAL).
/// </para>
/// <para>
/// The schema version lives in <c>PRAGMA user_version</c>, which is one number for the whole file: every table kept in
/// this file (jobs, logs, workers, scheduled jobs, and the raw queues of <see cref="SqliteBroker.SqliteQueueBroker"/>)
/// is added through <see cref="s_migrations"/>, never created on the side. The job store and the broker both call
/// <see cref="Migrate"/> when they open the file, so either may be the first to open it.
/// </para>
/// <para>
/// Version 1, table <c>mrq_jobs</c>, one row per job with MRQ's field names as columns. Dates are INTEGER unix
/// milliseconds, UTC (MongoDB's precision, so both stores round the same way; see <see cref="SqliteDates"/>).
/// <c>id</c> is the 12 bytes of the <see cref="JobId"/> (memcmp order = creation order); <c>status</c> is MRQ's name
/// (<see cref="JobStatusNames"/>); <c>params</c> and <c>result</c> are MessagePack bytes. Indexes: the partial index
/// <c>mrq_jobs_dequeue (queue, datequeued, id) WHERE status = 'queued'</c> serves the FIFO claim (only queued jobs are
/// in it, so it stays small however many finished jobs the table keeps); <c>mrq_jobs_queue_status</c> serves counts;
/// <c>mrq_jobs_dateexpires</c> (only rows with an expiry) serves the coming purge of expired jobs. Columns kept for
/// coming features: <c>dateretry</c> (retry), <c>progress</c> (progress API; set to 1 on success when it was set),
/// <c>raw_queue</c> (jobs made from raw queues).
/// </para>
/// <para>
/// Version 2 adds <c>traceback_history</c> (a JSON array of <c>{date, status, exceptiontype, traceback,
/// original_traceback, worker}</c>, dates in unix milliseconds), the table <c>mrq_logs (id, job, logs)</c> of job log
/// lines, and indexes for due retries and for filters by path.
/// </para>
/// <para>
/// Version 3 adds the table <c>mrq_workers (id, name, status, datestarted, datereported, report)</c> of worker reports
/// (<c>report</c> is the whole report as JSON with MRQ's field names, see <see cref="SqliteWorkerReports"/>), and two
/// small partial indexes for recovery: <c>mrq_jobs_started (worker) WHERE status = 'started'</c> and
/// <c>mrq_jobs_interrupt (queue) WHERE status = 'interrupt'</c>.
/// </para>
/// <para>
/// Version 4 adds <c>mrq_scheduled_jobs (hash, path, params, queue, interval, dailytime, weekday, monthday,
/// datelastqueued)</c>, the scheduler's entries and state (<c>params</c> JSON, <c>dailytime</c> "HH:MM:SS" UTC).
/// </para>
/// <para>
/// Version 5 replaces the indexes on <c>(queue, status)</c> and <c>(path, status)</c> with indexes on <c>queue</c> and on
/// <c>path</c> alone. SQLite updates an index only when the statement assigns one of its columns, and every claim and
/// completion assigns <c>status</c>: with status in those two indexes, each job moved in both twice in its life, which
/// was about 45% of the per-job cost of claiming and completing (docs/benchmarks.md). Filters by queue or path still
/// use an index; the status condition is checked on the rows of that queue or path, and counts of queued jobs use
/// <c>mrq_jobs_dequeue</c>.
/// </para>
/// <para>
/// Version 6 adds the nullable <c>traceparent</c> and <c>tracestate</c> columns: the W3C trace context of the code that
/// enqueued the job, restored as the parent (or link) of the job's <c>process</c> span (docs/observability.md).
/// </para>
/// <para>
/// Version 7 adds a partial index for the dashboard: <c>mrq_jobs_exceptions (exceptiontype, path) WHERE exceptiontype
/// IS NOT NULL</c> (jobs by exception type, and the exceptions view). Claims leave <c>exceptiontype</c> alone and a
/// success sets it to NULL (clearing a retried job's earlier exception); a job that never failed is NULL before and
/// after, outside the index's condition, so the worker cycle adds and removes no entries of it. A partial index on
/// <c>status</c> for the unsuccessful jobs was tried and removed: its condition names the column every claim and
/// completion assigns, and it halved the regular queue's drain rate (interleaved A/B, docs/benchmarks.md).
/// </para>
/// <para>
/// Version 8 brings the embedded raw-queue broker's tables into the schema (before, the broker created them itself
/// with <c>CREATE … IF NOT EXISTS</c> whenever it opened the file, whatever the file's version):
/// <c>raw_items (seq, queue, value, score, uniq)</c> with its order index and the partial unique index that makes set
/// members unique, <c>raw_subqueues (root, queue)</c>, <c>paused_queues (queue)</c> and
/// <c>concurrency_slots (name, holder, expires)</c> (see <see cref="SqliteBroker.SqliteQueueBroker"/>). The step's DDL is
/// exactly what the broker used to run, with <c>IF NOT EXISTS</c>: a file whose broker already created them upgrades by
/// keeping them and their rows, and new and upgraded files end with the same tables.
/// </para>
/// <para>
/// Version 9 adds <c>mrq_job_counts (queue, path, raw_queue, status, count)</c>: how many jobs each combination holds
/// (<c>raw_queue</c> is <c>''</c> for jobs not made from a raw queue), filled from <c>mrq_jobs</c> by the migration and
/// kept by every write that adds, removes or moves a job, in that write's transaction, one upsert per distinct
/// combination and transaction (<see cref="SqliteJobCounts"/>). The dashboard's aggregates and its counts by queue, path
/// and status read this small table instead of every job, and no index on <c>status</c> is needed for them.
/// </para>
/// <para>
/// Version 10 replaces the indexes on <c>queue</c> and on <c>path</c> with one on <c>(queue, path)</c>: every insert
/// (an enqueue, a raw job's <c>started</c> document) paid for both, about 1 µs per job each (docs/benchmarks.md). A
/// dashboard page of one queue, or of one task path, reads one range of the index per (queue, path) combination that
/// <c>mrq_job_counts</c> lists, merged newest first (<see cref="SqliteJobWalk"/>).
/// </para>
/// <para>
/// Version 11 adds the nullable <c>cron</c> column to <c>mrq_scheduled_jobs</c>: a scheduler entry timed by a cron
/// expression instead of MRQ's interval or daily time.
/// </para>
/// <para>
/// Version 12 adds the broker's <c>rate_limits (counter, count, expires)</c>: one row per rate-limit key and window
/// (<see cref="RateWindow"/>), dropped once expired by the next count.
/// </para>
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>The schema version this build creates and understands.</summary>
    public const int CurrentVersion = 12;

    /// <summary>How long SQLite's busy handler waits for a lock on each attempt (5 s).</summary>
    public const int BusyTimeoutMilliseconds = 5000;

    /// <summary>How long a statement keeps being retried while the database is busy before the error surfaces.</summary>
    public const int CommandTimeoutSeconds = 120;

    /// <summary>Upgrade scripts: <c>s_migrations[v]</c> takes a file from version v to v + 1 and records the new version.</summary>
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS mrq_jobs (
            id            BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 12),
            path          TEXT    NOT NULL,
            queue         TEXT    NOT NULL,
            status        TEXT    NOT NULL,
            params        BLOB    NOT NULL,
            result        BLOB,
            exceptiontype TEXT,
            traceback     TEXT,
            datequeued    INTEGER NOT NULL,
            datestarted   INTEGER,
            dateupdated   INTEGER,
            dateexpires   INTEGER,
            dateretry     INTEGER,
            worker        TEXT,
            retry_count   INTEGER NOT NULL DEFAULT 0,
            totaltime     REAL,
            progress      REAL,
            raw_queue     TEXT
        ) STRICT;
        CREATE INDEX IF NOT EXISTS mrq_jobs_dequeue ON mrq_jobs (queue, datequeued, id) WHERE status = 'queued';
        CREATE INDEX IF NOT EXISTS mrq_jobs_queue_status ON mrq_jobs (queue, status);
        CREATE INDEX IF NOT EXISTS mrq_jobs_dateexpires ON mrq_jobs (dateexpires) WHERE dateexpires IS NOT NULL;
        PRAGMA user_version = 1;
        """,
        """
        ALTER TABLE mrq_jobs ADD COLUMN traceback_history TEXT;
        CREATE INDEX IF NOT EXISTS mrq_jobs_retry ON mrq_jobs (dateretry) WHERE status = 'retry';
        CREATE INDEX IF NOT EXISTS mrq_jobs_path_status ON mrq_jobs (path, status);
        CREATE TABLE IF NOT EXISTS mrq_logs (
            id   INTEGER PRIMARY KEY,
            job  BLOB    NOT NULL,
            logs TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX IF NOT EXISTS mrq_logs_job ON mrq_logs (job);
        PRAGMA user_version = 2;
        """,
        """
        CREATE TABLE IF NOT EXISTS mrq_workers (
            id           TEXT    NOT NULL PRIMARY KEY,
            name         TEXT    NOT NULL,
            status       TEXT    NOT NULL,
            datestarted  INTEGER NOT NULL,
            datereported INTEGER NOT NULL,
            report       TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX IF NOT EXISTS mrq_workers_datereported ON mrq_workers (datereported);
        CREATE INDEX IF NOT EXISTS mrq_jobs_started ON mrq_jobs (worker) WHERE status = 'started';
        CREATE INDEX IF NOT EXISTS mrq_jobs_interrupt ON mrq_jobs (queue) WHERE status = 'interrupt';
        PRAGMA user_version = 3;
        """,
        """
        CREATE TABLE IF NOT EXISTS mrq_scheduled_jobs (
            hash           TEXT    NOT NULL PRIMARY KEY,
            path           TEXT    NOT NULL,
            params         TEXT,
            queue          TEXT,
            interval       INTEGER,
            dailytime      TEXT,
            weekday        INTEGER,
            monthday       INTEGER,
            datelastqueued INTEGER NOT NULL
        ) STRICT;
        PRAGMA user_version = 4;
        """,
        """
        DROP INDEX IF EXISTS mrq_jobs_queue_status;
        DROP INDEX IF EXISTS mrq_jobs_path_status;
        CREATE INDEX IF NOT EXISTS mrq_jobs_queue ON mrq_jobs (queue);
        CREATE INDEX IF NOT EXISTS mrq_jobs_path ON mrq_jobs (path);
        PRAGMA user_version = 5;
        """,
        """
        ALTER TABLE mrq_jobs ADD COLUMN traceparent TEXT;
        ALTER TABLE mrq_jobs ADD COLUMN tracestate TEXT;
        PRAGMA user_version = 6;
        """,
        """
        CREATE INDEX IF NOT EXISTS mrq_jobs_exceptions ON mrq_jobs (exceptiontype, path) WHERE exceptiontype IS NOT NULL;
        PRAGMA user_version = 7;
        """,
        """
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
        PRAGMA user_version = 8;
        """,
        """
        CREATE TABLE IF NOT EXISTS mrq_job_counts (
            queue     TEXT    NOT NULL,
            path      TEXT    NOT NULL,
            raw_queue TEXT    NOT NULL,
            status    TEXT    NOT NULL,
            count     INTEGER NOT NULL,
            PRIMARY KEY (queue, path, raw_queue, status)
        ) STRICT, WITHOUT ROWID;
        DELETE FROM mrq_job_counts;
        INSERT INTO mrq_job_counts (queue, path, raw_queue, status, count)
            SELECT queue, path, COALESCE(raw_queue, ''), status, COUNT(*) FROM mrq_jobs GROUP BY 1, 2, 3, 4;
        PRAGMA user_version = 9;
        """,
        """
        DROP INDEX IF EXISTS mrq_jobs_queue;
        DROP INDEX IF EXISTS mrq_jobs_path;
        CREATE INDEX IF NOT EXISTS mrq_jobs_queue_path ON mrq_jobs (queue, path);
        PRAGMA user_version = 10;
        """,
        """
        ALTER TABLE mrq_scheduled_jobs ADD COLUMN cron TEXT;
        PRAGMA user_version = 11;
        """,
        """
        CREATE TABLE IF NOT EXISTS rate_limits (
          counter TEXT NOT NULL PRIMARY KEY,
          count INTEGER NOT NULL,
          expires REAL NOT NULL
        ) WITHOUT ROWID;
        PRAGMA user_version = 12;
        """,
    ];

    /// <summary>The upgrade scripts, for tests that build a file of an older version.</summary>
    internal static IReadOnlyList<string> Migrations => s_migrations;

    /// <summary>Opens a configured connection to the file at <paramref name="fullPath"/>, creating the file if missing.</summary>
    public static SqliteConnection OpenConnection(string fullPath, bool readOnly)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = CommandTimeoutSeconds,
        }.ToString();

        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();

            // The busy timeout first: switching to WAL below may itself have to wait for another process.
            SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, BusyTimeoutMilliseconds);
            using (var command = connection.CreateCommand())
            {
                // Persistent in the file; a no-op once set. A file system without shared memory keeps its old mode,
                // which is slower but still correct (the store only relies on SQLite's locking).
                command.CommandText = "PRAGMA journal_mode = WAL;";
                command.ExecuteScalar();
            }

            Execute(connection, "PRAGMA synchronous = NORMAL;");
            if (readOnly)
            {
                Execute(connection, "PRAGMA query_only = ON;");
            }
            else if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
            {
                // SQLite silently opens a file it may not write read-only: say so now, not at the first write.
                throw new SqliteException("attempt to write a readonly database", SQLitePCL.raw.SQLITE_READONLY);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Brings the file's schema to <see cref="CurrentVersion"/>. Safe when several processes open a new file at once:
    /// the upgrade runs under <c>BEGIN IMMEDIATE</c> and re-reads the version once it holds the write lock.
    /// </summary>
    public static void Migrate(SqliteConnection connection)
    {
        if (ReadVersion(connection) == CurrentVersion)
        {
            return;
        }

        Execute(connection, "BEGIN IMMEDIATE;");
        try
        {
            var version = ReadVersion(connection);
            if (version > CurrentVersion)
            {
                throw new NotSupportedException(
                    $"The job store file has schema version {version}, newer than the {CurrentVersion} this version of Mrq understands.");
            }

            for (var v = (int)version; v < CurrentVersion; v++)
            {
                Execute(connection, s_migrations[v]);
            }

            Execute(connection, "COMMIT;");
        }
        catch
        {
            TryRollback(connection);
            throw;
        }
    }

    /// <summary>Reads <c>PRAGMA user_version</c>.</summary>
    public static long ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Rolls back the open transaction, if SQLite has not already rolled it back itself.</summary>
    public static void TryRollback(SqliteConnection connection)
    {
        try
        {
            Execute(connection, "ROLLBACK;");
        }
        catch (SqliteException)
        {
            // No transaction was active (SQLite rolls back by itself after some errors); the caller rethrows the cause.
        }
    }

    /// <summary>Runs statements that return nothing (pragmas, scripts).</summary>
    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
