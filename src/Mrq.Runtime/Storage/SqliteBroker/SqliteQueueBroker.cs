using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mrq.Storage.SqliteBroker;

/// <summary>
/// Raw queues in an embedded SQLite file, with the semantics of the Redis adapter (Mrq.Redis). The file may be the
/// job store's own <c>mrq.db</c>: the broker only uses its own tables.
/// </summary>
/// <remarks>
/// <para>Schema: <c>raw_items(seq INTEGER PRIMARY KEY, queue, value, score, uniq)</c>, where <c>uniq = 1</c> for the set
/// types makes <c>(queue, value)</c> unique through a partial unique index (sets drop duplicates, sorted/timed sets
/// update the score), and <c>uniq = 0</c> for lists keeps duplicates; order is <c>(score, seq)</c> (lists: score 0, so
/// insertion order; sorted-set ties by insertion order where Redis uses the member's bytes). Known subqueues are rows of
/// <c>raw_subqueues(root, queue)</c>.</para>
/// <para>Every call runs in one <c>BEGIN IMMEDIATE</c> transaction on the file's write lock, so a dequeue (select +
/// delete, or select + re-score for pushback) is atomic across connections and processes: two dequeuers never get the
/// same item. WAL journal, busy timeout <see cref="BusyTimeoutMilliseconds"/>. One connection per broker, calls
/// serialized in-process (SQLite serializes writers anyway); the calls complete synchronously once the lock is held.</para>
/// <para>The listen form <c>root/</c> is handled as in the Redis adapter: dequeue takes from the root first, then the
/// known subqueues in name order; sizes sum the root and its known subqueues. Sets are listed in insertion order with
/// <c>skip</c> honoured (Redis samples them randomly).</para>
/// </remarks>
internal sealed class SqliteQueueBroker : IQueueBroker, Queries.IRawQueueListing
{
    /// <summary>How long a call waits for another connection's write lock before failing with SQLITE_BUSY.</summary>
    public const int BusyTimeoutMilliseconds = 30_000;

    private const string Schema = """
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

    private const string SingleFilter = "queue = $q";
    private const string ListenFilter = "(queue = $q OR queue IN (SELECT queue FROM raw_subqueues WHERE root = $q))";

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FileWakeups _wakeups;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _insertList;
    private readonly SqliteCommand _insertSet;
    private readonly SqliteCommand _insertSorted;
    private readonly SqliteCommand _recordSubqueue;
    private readonly SqliteCommand _pruneSubqueue;
    private readonly SqliteCommand _pruneSubqueuesOfRoot;
    private readonly SqliteCommand?[] _dequeueCommands = new SqliteCommand?[16];
    private bool _disposed;

    /// <summary>Opens (creating if needed) the SQLite file at <paramref name="databasePath"/> and ensures the broker's tables.</summary>
    public SqliteQueueBroker(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        _wakeups = new FileWakeups(databasePath);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        };
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        try
        {
            Execute("PRAGMA journal_mode = WAL;");
            Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};"));
            Execute("PRAGMA synchronous = NORMAL;");
            Execute(Schema);

            _begin = Prepare("BEGIN IMMEDIATE;");
            _commit = Prepare("COMMIT;");
            _rollback = Prepare("ROLLBACK;");
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
            _connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask EnqueueAsync(string queue, ReadOnlyMemory<RawItem> items, CancellationToken cancellationToken = default)
    {
        RawQueueType type = RawQueueNames.GetRequiredType(queue);
        if (RawQueueNames.IsListenForm(queue))
        {
            throw new ArgumentException($"Cannot enqueue to the listen form '{queue}'; name the root or a subqueue.", nameof(queue));
        }

        if (items.IsEmpty)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            Begin();
            try
            {
                if (RawQueueNames.IsSubqueue(queue))
                {
                    _recordSubqueue.Parameters[0].Value = RawQueueNames.Root(queue);
                    _recordSubqueue.Parameters[1].Value = queue;
                    _recordSubqueue.ExecuteNonQuery();
                }

                SqliteCommand insert = type switch
                {
                    RawQueueType.List => _insertList,
                    RawQueueType.Set => _insertSet,
                    _ => _insertSorted,
                };
                insert.Parameters[0].Value = queue;
                bool scored = insert == _insertSorted;
                ReadOnlySpan<RawItem> span = items.Span;
                for (int i = 0; i < span.Length; i++)
                {
                    insert.Parameters[1].Value = span[i].Value;
                    if (scored)
                    {
                        insert.Parameters[2].Value = span[i].Score;
                    }

                    insert.ExecuteNonQuery();
                }

                Commit();
            }
            catch
            {
                Rollback();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> DequeueAsync(string queue, int max, DateTime now, double pushbackSeconds, List<string> into, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(into);
        RawQueueType type = RawQueueNames.GetRequiredType(queue);
        if (max <= 0)
        {
            return 0;
        }

        bool listen = RawQueueNames.IsListenForm(queue);
        bool timed = type == RawQueueType.TimedSet;
        bool pushback = timed && pushbackSeconds > 0;
        string root = RawQueueNames.Root(queue);
        double nowSeconds = UnixSeconds(now);

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            SqliteCommand select = DequeueCommand(listen, timed, pushback, take: false);
            SqliteCommand take = DequeueCommand(listen, timed, pushback, take: true);
            string key = listen ? root : queue;
            int start = into.Count;
            Begin();
            try
            {
                SetDequeueParameters(select, key, max, nowSeconds, timed, pushback: false, 0);
                int taken = 0;
                using (SqliteDataReader reader = select.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        into.Add(reader.GetString(0));
                        taken++;
                    }
                }

                if (taken > 0)
                {
                    SetDequeueParameters(take, key, max, nowSeconds, timed, pushback, nowSeconds + pushbackSeconds);
                    take.ExecuteNonQuery();
                }

                if (listen && taken < max)
                {
                    _pruneSubqueuesOfRoot.Parameters[0].Value = root;
                    _pruneSubqueuesOfRoot.ExecuteNonQuery();
                }
                else if (taken == 0 && RawQueueNames.IsSubqueue(queue))
                {
                    _pruneSubqueue.Parameters[0].Value = root;
                    _pruneSubqueue.Parameters[1].Value = queue;
                    _pruneSubqueue.ExecuteNonQuery();
                }

                Commit();
                return taken;
            }
            catch
            {
                // Rolled back: the rows read are still queued, so the caller must not get them.
                Rollback();
                into.RemoveRange(start, into.Count - start);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void SetDequeueParameters(SqliteCommand command, string key, int max, double now, bool timed, bool pushback, double until)
    {
        SqliteParameterCollection p = command.Parameters;
        p[0].Value = key;
        p[1].Value = max;
        if (timed)
        {
            p[2].Value = now;
            if (pushback)
            {
                p[3].Value = until;
            }
        }
    }

    private SqliteCommand DequeueCommand(bool listen, bool timed, bool pushback, bool take)
    {
        int index = (listen ? 8 : 0) | (timed ? 4 : 0) | (pushback && take ? 2 : 0) | (take ? 1 : 0);
        SqliteCommand? command = _dequeueCommands[index];
        if (command is not null)
        {
            return command;
        }

        string filter = listen ? ListenFilter : SingleFilter;
        string due = timed ? " AND score <= $now" : string.Empty;
        string order = listen ? "queue <> $q, queue, score, seq" : "score, seq";
        string chosen = $"SELECT seq FROM raw_items WHERE {filter}{due} ORDER BY {order} LIMIT $n";
        string text = !take
            ? $"SELECT value FROM raw_items WHERE {filter}{due} ORDER BY {order} LIMIT $n;"
            : pushback
                ? $"UPDATE raw_items SET score = $until WHERE seq IN ({chosen});"
                : $"DELETE FROM raw_items WHERE seq IN ({chosen});";
        command = timed
            ? pushback && take ? Prepare(text, "$q", "$n", "$now", "$until") : Prepare(text, "$q", "$n", "$now")
            : Prepare(text, "$q", "$n");
        _dequeueCommands[index] = command;
        return command;
    }

    /// <inheritdoc />
    public async ValueTask<long> RemoveAsync(string queue, IReadOnlyList<string> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        RawQueueType type = RequireConcrete(queue);
        if (items.Count == 0)
        {
            return 0;
        }

        string text = type == RawQueueType.List
            ? "DELETE FROM raw_items WHERE seq = (SELECT seq FROM raw_items WHERE queue = $q AND value = $v AND uniq = 0 ORDER BY seq LIMIT 1);"
            : "DELETE FROM raw_items WHERE queue = $q AND value = $v AND uniq = 1;";
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            using SqliteCommand command = Command(text, "$q", "$v");
            command.Parameters[0].Value = queue;
            long removed = 0;
            Begin();
            try
            {
                for (int i = 0; i < items.Count; i++)
                {
                    command.Parameters[1].Value = items[i];
                    removed += command.ExecuteNonQuery();
                }

                Commit();
                return removed;
            }
            catch
            {
                Rollback();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask<long> SizeAsync(string queue, CancellationToken cancellationToken = default)
        => CountAsync(queue, due: false, default, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> DueSizeAsync(string queue, DateTime now, CancellationToken cancellationToken = default)
        => CountAsync(queue, due: true, now, cancellationToken);

    private async ValueTask<long> CountAsync(string queue, bool due, DateTime now, CancellationToken cancellationToken)
    {
        RawQueueType type = RawQueueNames.GetRequiredType(queue);
        bool listen = RawQueueNames.IsListenForm(queue);
        bool dueOnly = due && type == RawQueueType.TimedSet;
        string text = string.Concat(
            "SELECT COUNT(*) FROM raw_items WHERE ",
            listen ? ListenFilter : SingleFilter,
            dueOnly ? " AND score <= $now;" : ";");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            using SqliteCommand command = dueOnly ? Command(text, "$q", "$now") : Command(text, "$q");
            command.Parameters[0].Value = listen ? RawQueueNames.Root(queue) : queue;
            if (dueOnly)
            {
                command.Parameters[1].Value = UnixSeconds(now);
            }

            return (long)command.ExecuteScalar()!;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RawItem>> ListAsync(string queue, int skip, int limit, CancellationToken cancellationToken = default)
    {
        RequireConcrete(queue);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        if (limit <= 0)
        {
            return [];
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            using SqliteCommand command = Command(
                "SELECT value, score FROM raw_items WHERE queue = $q ORDER BY score, seq LIMIT $limit OFFSET $skip;",
                "$q",
                "$limit",
                "$skip");
            command.Parameters[0].Value = queue;
            command.Parameters[1].Value = limit;
            command.Parameters[2].Value = skip;
            var items = new List<RawItem>(Math.Min(limit, 1024));
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                items.Add(new RawItem(reader.GetString(0), reader.GetDouble(1)));
            }

            return items;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ListRawQueuesAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();

            // One index seek per queue (the next name after the last), not a scan of every item.
            using SqliteCommand command = Command(
                "WITH RECURSIVE names(name) AS (SELECT MIN(queue) FROM raw_items " +
                "UNION ALL SELECT (SELECT MIN(queue) FROM raw_items WHERE queue > names.name) FROM names WHERE names.name IS NOT NULL) " +
                "SELECT name FROM names WHERE name IS NOT NULL;");
            var names = new List<string>();
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }

            names.Sort(StringComparer.Ordinal);
            return names;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> KnownSubqueuesAsync(string root, CancellationToken cancellationToken = default)
    {
        RawQueueNames.GetRequiredType(root);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            using SqliteCommand command = Command("SELECT queue FROM raw_subqueues WHERE root = $r;", "$r");
            command.Parameters[0].Value = RawQueueNames.Root(root);
            var names = new List<string>();
            using (SqliteDataReader reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    names.Add(reader.GetString(0));
                }
            }

            names.Sort(StringComparer.Ordinal);
            return names;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryAcquireSlotAsync(string name, string holder, int limit, DateTime now, DateTime expires, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            Begin();
            try
            {
                using SqliteCommand command = Command(
                    "DELETE FROM concurrency_slots WHERE name = $n AND expires <= $now; " +
                    "INSERT INTO concurrency_slots (name, holder, expires) SELECT $n, $h, $e " +
                    "WHERE (SELECT COUNT(*) FROM concurrency_slots WHERE name = $n) < $limit;",
                    "$n", "$now", "$h", "$e", "$limit");
                command.Parameters[0].Value = name;
                command.Parameters[1].Value = UnixSeconds(now);
                command.Parameters[2].Value = holder;
                command.Parameters[3].Value = UnixSeconds(expires);
                command.Parameters[4].Value = limit;
                command.ExecuteNonQuery();
                using SqliteCommand check = Command("SELECT COUNT(*) FROM concurrency_slots WHERE name = $n AND holder = $h;", "$n", "$h");
                check.Parameters[0].Value = name;
                check.Parameters[1].Value = holder;
                var acquired = (long)check.ExecuteScalar()! == 1;
                Commit();
                return acquired;
            }
            catch
            {
                Rollback();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask ReleaseSlotAsync(string name, string holder, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            using SqliteCommand command = Command("DELETE FROM concurrency_slots WHERE name = $n AND holder = $h;", "$n", "$h");
            command.Parameters[0].Value = name;
            command.Parameters[1].Value = holder;
            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask PauseQueueAsync(string queue, CancellationToken cancellationToken = default) =>
        ExecuteAsync("INSERT INTO paused_queues(queue) VALUES ($q) ON CONFLICT DO NOTHING;", PausedQueues.Member(queue), cancellationToken);

    /// <inheritdoc />
    public ValueTask ResumeQueueAsync(string queue, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM paused_queues WHERE queue = $q;", PausedQueues.Member(queue), cancellationToken);

    /// <inheritdoc />
    /// <remarks>Through the file system (<see cref="FileWakeups"/>): reaches the workers on this machine only.</remarks>
    public ValueTask NotifyAsync(string queue, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _wakeups.Notify(queue);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IQueueWakeups> SubscribeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_wakeups.Subscribe(queues));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> GetPausedQueuesAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            using SqliteCommand command = Command("SELECT queue FROM paused_queues ORDER BY queue;");
            using SqliteDataReader reader = command.ExecuteReader();
            var queues = new List<string>();
            while (reader.Read())
            {
                queues.Add(reader.GetString(0));
            }

            return queues;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask ExecuteAsync(string sql, string queue, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            using SqliteCommand command = Command(sql, "$q");
            command.Parameters[0].Value = queue;
            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>Same semantics as the Redis adapter: a subqueue is deleted and forgotten; a root or <c>root/</c> is deleted
    /// with every known subqueue and the known-subqueues record.</remarks>
    public async ValueTask EmptyAsync(string queue, CancellationToken cancellationToken = default)
    {
        RawQueueNames.GetRequiredType(queue);
        bool subqueue = RawQueueNames.IsSubqueue(queue);
        string root = RawQueueNames.Root(queue);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            Begin();
            try
            {
                if (subqueue)
                {
                    using SqliteCommand items = Command("DELETE FROM raw_items WHERE queue = $q;", "$q");
                    items.Parameters[0].Value = queue;
                    items.ExecuteNonQuery();
                    using SqliteCommand known = Command("DELETE FROM raw_subqueues WHERE root = $r AND queue = $q;", "$r", "$q");
                    known.Parameters[0].Value = root;
                    known.Parameters[1].Value = queue;
                    known.ExecuteNonQuery();
                }
                else
                {
                    using SqliteCommand items = Command(
                        "DELETE FROM raw_items WHERE " + ListenFilter + "; DELETE FROM raw_subqueues WHERE root = $q;",
                        "$q");
                    items.Parameters[0].Value = root;
                    items.ExecuteNonQuery();
                }

                Commit();
            }
            catch
            {
                Rollback();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (SqliteCommand? command in _dequeueCommands)
            {
                command?.Dispose();
            }

            _begin.Dispose();
            _commit.Dispose();
            _rollback.Dispose();
            _insertList.Dispose();
            _insertSet.Dispose();
            _insertSorted.Dispose();
            _recordSubqueue.Dispose();
            _pruneSubqueue.Dispose();
            _pruneSubqueuesOfRoot.Dispose();
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static RawQueueType RequireConcrete(string queue)
    {
        RawQueueType type = RawQueueNames.GetRequiredType(queue);
        if (RawQueueNames.IsListenForm(queue))
        {
            throw new ArgumentException($"'{queue}' is a listen form (root + subqueues); name the root or one subqueue.", nameof(queue));
        }

        return type;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private void Begin() => _begin.ExecuteNonQuery();

    private void Commit() => _commit.ExecuteNonQuery();

    private void Rollback()
    {
        try
        {
            _rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // No transaction left to roll back (SQLite already rolled it back on the error).
        }
    }

    private void Execute(string text)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = text;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string text, params ReadOnlySpan<string> parameters)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = text;
        foreach (string name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private SqliteCommand Prepare(string text, params ReadOnlySpan<string> parameters)
    {
        SqliteCommand command = Command(text, parameters);
        command.Prepare();
        return command;
    }

    private static double UnixSeconds(DateTime now)
    {
        DateTime utc = now.Kind == DateTimeKind.Local ? now.ToUniversalTime() : now;
        return (utc.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;
    }
}
