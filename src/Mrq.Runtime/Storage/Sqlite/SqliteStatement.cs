using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// A statement of the worker's hot path, prepared once on the writer connection and run through SQLite's C API
/// directly, with parameters bound by number (<c>?1</c>, <c>?2</c>…). Microsoft.Data.Sqlite looks every parameter up
/// by name, converts its value and allocates a data reader on each execution: profiles of a worker draining no-op jobs
/// put that at about 40% of the time spent in SQLite calls (docs/benchmarks.md).
/// </summary>
/// <remarks>
/// Like Microsoft.Data.Sqlite's commands, preparing and stepping wait for other processes' locks: SQLite's busy
/// handler waits up to <c>busy_timeout</c> per attempt, and a statement still busy (another process recovering the WAL
/// after a crash, one holding the write lock) is retried until <see cref="SqliteSchema.CommandTimeoutSeconds"/> have
/// passed. Errors surface as <see cref="SqliteException"/>, like the rest of the store's. Taking the write lock
/// (<see cref="ExecuteTakingWriteLock"/>) waits its own, finer way.
/// </remarks>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private bool _reading;

    private static readonly long s_busyTimeoutMilliseconds = SqliteSchema.CommandTimeoutSeconds * 1000L;
    private static readonly TimeSpan s_busyPause = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan s_lockPause = TimeSpan.FromMilliseconds(1);

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var started = Environment.TickCount64;
        while (true)
        {
            // Preparing reads the schema, which waits like any read (a process recovering the WAL holds it up).
            var rc = raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement);
            if (rc == raw.SQLITE_OK)
            {
                _statement = statement;
                return;
            }

            statement?.Dispose();
            if (!IsBusy(rc) || Environment.TickCount64 - started >= s_busyTimeoutMilliseconds)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }

            Thread.Sleep(s_busyPause);
        }
    }

    public void Bind(int parameter, long value) => Check(raw.sqlite3_bind_int64(_statement, parameter, value));

    public void Bind(int parameter, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, parameter) : raw.sqlite3_bind_text(_statement, parameter, value));

    /// <summary>Binds a BLOB (SQLite copies the bytes); an empty one stays an empty BLOB, not NULL.</summary>
    public void Bind(int parameter, ReadOnlySpan<byte> value) =>
        Check(value.IsEmpty ? raw.sqlite3_bind_zeroblob(_statement, parameter, 0) : raw.sqlite3_bind_blob(_statement, parameter, value));

    public void Bind(int parameter, long? value) => Check(value is { } v ? raw.sqlite3_bind_int64(_statement, parameter, v) : raw.sqlite3_bind_null(_statement, parameter));

    public void Bind(int parameter, double? value) => Check(value is { } v ? raw.sqlite3_bind_double(_statement, parameter, v) : raw.sqlite3_bind_null(_statement, parameter));

    public void BindBlobOrNull(int parameter, ReadOnlyMemory<byte>? value)
    {
        if (value is { } bytes)
        {
            Bind(parameter, bytes.Span);
        }
        else
        {
            Check(raw.sqlite3_bind_null(_statement, parameter));
        }
    }

    /// <summary>Runs a statement that returns no rows; returns how many rows it changed.</summary>
    public int Execute()
    {
        var started = Environment.TickCount64;
        while (true)
        {
            var rc = Step(out var changes);
            if (rc == raw.SQLITE_DONE)
            {
                return changes;
            }

            ThrowUnlessBusyRetry(rc, started);
        }
    }

    /// <summary>
    /// Runs a statement that takes the file's write lock (<c>BEGIN IMMEDIATE</c>), waiting for another process's lock
    /// without SQLite's busy handler: that handler sleeps 1, 2, 5, 10… up to 100 ms between attempts, while a
    /// transaction of the worker's hot path holds the lock ~0.5 ms, so two workers on one file took turns in bursts and
    /// the waiting one slept through most of them (docs/benchmarks.md, "Two processes on one file"). Here the waiter
    /// retries every millisecond, up to <see cref="SqliteSchema.CommandTimeoutSeconds"/>: the processes take turns, and
    /// a waiter burns no CPU (yielding for the first half millisecond cost system time and gained nothing measurable).
    /// </summary>
    public void ExecuteTakingWriteLock()
    {
        // The connection's busy handler stays for every other statement (reads during a WAL recovery, prepares).
        raw.sqlite3_busy_timeout(_db, 0);
        try
        {
            var started = Environment.TickCount64;
            while (true)
            {
                var rc = Step(out _);
                if (rc == raw.SQLITE_DONE)
                {
                    return;
                }

                ThrowUnlessBusyRetry(rc, started);
                Thread.Sleep(s_lockPause);
            }
        }
        finally
        {
            raw.sqlite3_busy_timeout(_db, SqliteSchema.BusyTimeoutMilliseconds);
        }
    }

    /// <summary>Steps to the next row: true on a row; false at the end, where the statement is reset for its next run.</summary>
    public bool Read()
    {
        var started = Environment.TickCount64;
        while (true)
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                _reading = true;
                return true;
            }

            raw.sqlite3_reset(_statement);
            if (rc == raw.SQLITE_DONE)
            {
                _reading = false;
                return false;
            }

            if (_reading)
            {
                // Busy in the middle of the rows: the reset above started the read over, so it cannot resume.
                _reading = false;
                SqliteException.ThrowExceptionForRC(rc, _db);
            }

            ThrowUnlessBusyRetry(rc, started);
        }
    }

    /// <summary>Ends a read early (or after a failure) so the statement can run again.</summary>
    public void Reset()
    {
        _reading = false;
        raw.sqlite3_reset(_statement);
    }

    /// <summary>The rowid of the connection's last successful insert (any statement's).</summary>
    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

    public long GetInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    public int GetInt32(int column) => raw.sqlite3_column_int(_statement, column);

    /// <summary>A BLOB column; the span is valid until the next step or reset.</summary>
    public ReadOnlySpan<byte> GetBlob(int column) => raw.sqlite3_column_blob(_statement, column);

    public string GetString(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>A TEXT column that may be NULL.</summary>
    public string? GetStringOrNull(int column) =>
        raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL ? null : GetString(column);

    public void Dispose() => _statement.Dispose();

    private static bool IsBusy(int rc) => (rc & 0xFF) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED;

    /// <summary>Throws for <paramref name="rc"/> unless it is a busy lock and the timeout since <paramref name="started"/> has not passed.</summary>
    private void ThrowUnlessBusyRetry(int rc, long started)
    {
        if (!IsBusy(rc) || Environment.TickCount64 - started >= s_busyTimeoutMilliseconds)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    private int Step(out int changes)
    {
        var rc = raw.sqlite3_step(_statement);
        changes = rc == raw.SQLITE_DONE ? raw.sqlite3_changes(_db) : 0;
        raw.sqlite3_reset(_statement);
        return rc;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
