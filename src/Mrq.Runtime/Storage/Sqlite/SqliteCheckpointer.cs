using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// Copies the file's WAL into the database on a thread of its own, so the writer's commits no longer stop for SQLite's
/// automatic checkpoint (4–10 ms every ~1,000 pages while a worker drains a queue, docs/benchmarks.md). Woken by the
/// writer's commits, never by a timer, so an idle store costs nothing: a busy writer is checkpointed about every 20 ms,
/// a trickle of writes at most once a second.
/// </summary>
/// <remarks>
/// Passive checkpoints take no lock that a writer or reader waits for; once one has copied the whole WAL the writer's
/// next transaction starts the WAL over, so it stays small. The writer keeps SQLite's own automatic checkpoint, raised to
/// <see cref="WriterAutoCheckpointPages"/> pages, as the bound on the WAL should this thread fall behind (a reader
/// holding an old snapshot, a slow disk). Best effort throughout: a failed checkpoint is left to the next one or to
/// the writer's.
/// </remarks>
internal sealed class SqliteCheckpointer : IDisposable
{
    /// <summary>The writer's automatic checkpoint (SQLite's default is 1,000 pages): the WAL's bound, ~32 MB.</summary>
    public const int WriterAutoCheckpointPages = 8_000;

    /// <summary>Commits after which the writer counts as busy (checkpointed after 20 ms rather than a second).</summary>
    private const int BusyCommits = 16;

    private static readonly TimeSpan s_busySpacing = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan s_quietSpacing = TimeSpan.FromSeconds(1);

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _checkpoint;
    private readonly SemaphoreSlim _written = new(0, 1);
    private readonly ManualResetEventSlim _busy = new(false);
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly Thread _thread;
    private int _commits;
    private long _checkpoints;

    /// <summary>Opens the thread's own connection to the file at <paramref name="fullPath"/> and starts it.</summary>
    public SqliteCheckpointer(string fullPath)
    {
        _connection = SqliteSchema.OpenConnection(fullPath, readOnly: false);

        // Never wait long for anything: a checkpoint that cannot run now is left to the next one, and disposing the
        // store joins this thread (the library would otherwise retry a busy statement for the whole command timeout).
        SQLitePCL.raw.sqlite3_busy_timeout(_connection.Handle, 100);
        _checkpoint = _connection.CreateCommand();
        _checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        _checkpoint.CommandTimeout = 1;
        _thread = new Thread(Run) { IsBackground = true, Name = "Mrq SQLite checkpointer" };
        _thread.Start();
    }

    /// <summary>
    /// Raises <paramref name="writer"/>'s own automatic checkpoint to <see cref="WriterAutoCheckpointPages"/> (then only
    /// the WAL's bound) and starts the checkpointer of its file at <paramref name="fullPath"/>: the one is safe only with
    /// the other.
    /// </summary>
    public static SqliteCheckpointer ForWriter(SqliteConnection writer, string fullPath)
    {
        SqliteSchema.Execute(writer, $"PRAGMA wal_autocheckpoint = {WriterAutoCheckpointPages};");
        return new SqliteCheckpointer(fullPath);
    }

    /// <summary>Checkpoints run so far (tests).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Called after each commit of the writer: one interlocked increment; the first since the last checkpoint wakes the thread.</summary>
    public void Committed()
    {
        var commits = Interlocked.Increment(ref _commits);
        if (commits == 1)
        {
            try
            {
                _written.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
        else if (commits == BusyCommits && !_stop.IsSet)
        {
            _busy.Set();
        }
    }

    /// <summary>Stops the thread (a checkpoint in progress finishes first) and closes its connection.</summary>
    public void Dispose()
    {
        if (_stop.IsSet)
        {
            return;
        }

        _stop.Set();
        _busy.Set();
        try
        {
            _written.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }

        _thread.Join();
        _checkpoint.Dispose();
        _connection.Dispose();
        _written.Dispose();
        _busy.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            _written.Wait();
            if (_stop.Wait(s_busySpacing))
            {
                return;
            }

            if (Volatile.Read(ref _commits) < BusyCommits)
            {
                // A trickle of writes: gathered for up to a second, unless the writer turns busy meanwhile.
                _busy.Wait(s_quietSpacing - s_busySpacing);
                if (_stop.IsSet)
                {
                    return;
                }
            }

            // Reset before taking the count: a commit that reaches BusyCommits after this sets the event for the next round.
            _busy.Reset();
            Interlocked.Exchange(ref _commits, 0);
            try
            {
                _checkpoint.ExecuteNonQuery();
                Interlocked.Increment(ref _checkpoints);
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                // Best effort: the writer's automatic checkpoint bounds the WAL meanwhile.
            }
        }
    }
}
