using Microsoft.Data.Sqlite;
using Mrq.Storage.Sqlite;

namespace Mrq.Storage.SqliteBroker;

/// <summary>
/// Raw queues in an embedded SQLite file, with the semantics of the Redis adapter (Mrq.Redis). The file may be the
/// job store's own <c>mrq.db</c>: the broker only uses its own tables.
/// </summary>
/// <remarks>
/// <para>Schema (version 8 of <see cref="SqliteSchema"/>, which creates and migrates every table of the file; the broker
/// migrates the file when it opens it, like the job store): <c>raw_items(seq INTEGER PRIMARY KEY, queue, value, score,
/// uniq)</c>, where <c>uniq = 1</c> for the set types makes <c>(queue, value)</c> unique through a partial unique index
/// (sets drop duplicates, sorted/timed sets update the score), and <c>uniq = 0</c> for lists keeps duplicates; order is
/// <c>(score, seq)</c> (lists: score 0, so insertion order; sorted-set ties by insertion order where Redis uses the
/// member's bytes). Known subqueues are rows of <c>raw_subqueues(root, queue)</c>; paused queues of
/// <c>paused_queues</c>, concurrency slots of <c>concurrency_slots</c>.</para>
/// <para>Every write runs in one <c>BEGIN IMMEDIATE</c> transaction on the file's write lock, through the store's
/// <see cref="SqliteWriteTransactions"/>, so a dequeue (select + delete, or select + re-score for pushback) is atomic
/// across connections and processes: two dequeuers never get the same item. The connection is the store's
/// (<see cref="SqliteSchema.OpenConnection"/>: WAL, busy waits retried, faults reported as one line naming the file).
/// One connection per broker, calls serialized in-process by its <see cref="SqliteGate"/> (SQLite serializes writers
/// anyway); the calls complete synchronously once the lock is held. Its commits wake a
/// <see cref="SqliteCheckpointer"/> of its own, as the job store's do.</para>
/// <para>The listen form <c>root/</c> is handled as in the Redis adapter: dequeue takes from the root first, then the
/// known subqueues in name order; sizes sum the root and its known subqueues. Sets are listed in insertion order with
/// <c>skip</c> honoured (Redis samples them randomly).</para>
/// <para>The partial files split the broker by concern: this one owns the connection; <c>.Items</c> writes and takes
/// items, <c>.Listing</c> counts and lists them, <c>.Control</c> holds pauses, concurrency slots and wake-ups.</para>
/// </remarks>
internal sealed partial class SqliteQueueBroker : IQueueBroker, Queries.IRawQueueListing
{
    private const string SingleFilter = "queue = $q";
    private const string ListenFilter = "(queue = $q OR queue IN (SELECT queue FROM raw_subqueues WHERE root = $q))";

    private readonly SqliteConnection _connection;
    private readonly SqliteWriteTransactions _writes;
    private readonly SqliteCheckpointer _checkpointer;
    private readonly FileWakeups _wakeups;
    private readonly SqliteCommand _insertList;
    private readonly SqliteCommand _insertSet;
    private readonly SqliteCommand _insertSorted;
    private readonly SqliteCommand _recordSubqueue;
    private readonly SqliteCommand _pruneSubqueue;
    private readonly SqliteCommand _pruneSubqueuesOfRoot;
    private readonly SqliteCommand?[] _dequeueCommands = new SqliteCommand?[16];

    /// <summary>Opens (creating if needed) the SQLite file at <paramref name="databasePath"/> and brings its schema up to date.</summary>
    public SqliteQueueBroker(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var fullPath = Path.GetFullPath(databasePath);
        _wakeups = new FileWakeups(databasePath);
        _connection = SqliteSchema.OpenConnection(fullPath, readOnly: false);
        try
        {
            SqliteSchema.Migrate(_connection);
            _checkpointer = SqliteCheckpointer.ForWriter(_connection, fullPath);
            _writes = new SqliteWriteTransactions(_connection, fullPath, new SqliteGate(typeof(SqliteQueueBroker).FullName!), _checkpointer);
            _insertList = Prepare("INSERT INTO raw_items(queue, value, score, uniq) VALUES ($q, $v, 0, 0);", "$q", "$v");
            _insertSet = Prepare(
                "INSERT INTO raw_items(queue, value, score, uniq) VALUES ($q, $v, 0, 1) ON CONFLICT (queue, value) WHERE uniq = 1 DO NOTHING;",
                "$q",
                "$v");
            _insertSorted = Prepare(
                "INSERT INTO raw_items(queue, value, score, uniq) VALUES ($q, $v, $s, 1) ON CONFLICT (queue, value) WHERE uniq = 1 DO UPDATE SET score = excluded.score;",
                "$q",
                "$v",
                "$s");
            _recordSubqueue = Prepare("INSERT INTO raw_subqueues(root, queue) VALUES ($r, $q) ON CONFLICT DO NOTHING;", "$r", "$q");
            _pruneSubqueue = Prepare(
                "DELETE FROM raw_subqueues WHERE root = $r AND queue = $q AND NOT EXISTS (SELECT 1 FROM raw_items WHERE queue = $q);",
                "$r",
                "$q");
            _pruneSubqueuesOfRoot = Prepare(
                "DELETE FROM raw_subqueues WHERE root = $r AND NOT EXISTS (SELECT 1 FROM raw_items WHERE raw_items.queue = raw_subqueues.queue);",
                "$r");
        }
        catch
        {
            // The raw statements first: they must be finalized before the connection closes (its commands are closed with it).
            _writes?.DisposeStatements();
            _checkpointer?.Dispose();
            _connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() =>
        await _writes.Gate.CloseAsync(() =>
        {
            _checkpointer.Dispose();
            foreach (var command in _dequeueCommands)
            {
                command?.Dispose();
            }

            _writes.DisposeStatements();
            _insertList.Dispose();
            _insertSet.Dispose();
            _insertSorted.Dispose();
            _recordSubqueue.Dispose();
            _pruneSubqueue.Dispose();
            _pruneSubqueuesOfRoot.Dispose();
            _connection.Dispose();
        }).ConfigureAwait(false);

    /// <summary>Runs a read on the connection under its gate (reads need no transaction: one statement sees one snapshot).</summary>
    private async ValueTask<TResult> ReadAsync<TState, TResult>(TState state, Func<SqliteQueueBroker, TState, TResult> read, CancellationToken cancellationToken)
    {
        await _writes.Gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return read(this, state);
        }
        finally
        {
            _writes.Gate.Exit();
        }
    }

    /// <summary>Runs one statement with the single parameter <c>$q</c> in a write transaction.</summary>
    private ValueTask ExecuteAsync(string sql, string queue, CancellationToken cancellationToken) =>
        _writes.RunAsync(
            (Broker: this, Sql: sql, Queue: queue),
            static a =>
            {
                using var command = a.Broker.Command(a.Sql, "$q");
                command.Parameters[0].Value = a.Queue;
                command.ExecuteNonQuery();
            },
            null,
            cancellationToken);

    private static RawQueueType RequireConcrete(string queue)
    {
        var type = RawQueueNames.GetRequiredType(queue);
        if (RawQueueNames.IsListenForm(queue))
        {
            throw new ArgumentException($"'{queue}' is a listen form (root + subqueues); name the root or one subqueue.", nameof(queue));
        }

        return type;
    }

    private SqliteCommand Command(string text, params ReadOnlySpan<string> parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = text;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private SqliteCommand Prepare(string text, params ReadOnlySpan<string> parameters)
    {
        var command = Command(text, parameters);
        command.Prepare();
        return command;
    }

    private static double UnixSeconds(DateTime now)
    {
        var utc = now.Kind == DateTimeKind.Local ? now.ToUniversalTime() : now;
        return (utc.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;
    }
}
