using Microsoft.Data.Sqlite;

namespace Mrq.Storage.SqliteBroker;

/// <summary>Items in and out: enqueue, dequeue (with pushback for timed sets), remove and empty.</summary>
internal sealed partial class SqliteQueueBroker
{
    /// <inheritdoc />
    public ValueTask EnqueueAsync(string queue, ReadOnlyMemory<RawItem> items, CancellationToken cancellationToken = default) =>
        PushAsync(queue, items, atHead: false, cancellationToken);

    /// <inheritdoc />
    public ValueTask PushBackAsync(string queue, ReadOnlyMemory<RawItem> items, CancellationToken cancellationToken = default) =>
        PushAsync(queue, items, atHead: true, cancellationToken);

    private async ValueTask PushAsync(string queue, ReadOnlyMemory<RawItem> items, bool atHead, CancellationToken cancellationToken)
    {
        var type = RawQueueNames.GetRequiredType(queue);
        if (RawQueueNames.IsListenForm(queue))
        {
            throw new ArgumentException($"Cannot enqueue to the listen form '{queue}'; name the root or a subqueue.", nameof(queue));
        }

        if (items.IsEmpty)
        {
            return;
        }

        await _writes.RunAsync(
            (Broker: this, Queue: queue, Type: type, Items: items, AtHead: atHead),
            static a => a.Broker.InsertItems(a.Queue, a.Type, a.Items.Span, a.AtHead),
            null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> DequeueAsync(string queue, int max, DateTime now, double pushbackSeconds, List<string> into, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(into);
        RawQueueNames.GetRequiredType(queue);
        if (max <= 0)
        {
            return 0;
        }

        // Rolled back: the rows read are still queued, so the caller must not get them.
        return await _writes.RunAsync(
            (Broker: this, Queue: queue, Max: max, Now: UnixSeconds(now), PushbackSeconds: pushbackSeconds, Into: into, Start: into.Count),
            static a => a.Broker.TakeItems(a.Queue, a.Max, a.Now, a.PushbackSeconds, a.Into),
            static a => a.Into.RemoveRange(a.Start, a.Into.Count - a.Start),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<long> RemoveAsync(string queue, IReadOnlyList<string> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var type = RequireConcrete(queue);
        if (items.Count == 0)
        {
            return 0;
        }

        var text = type == RawQueueType.List
            ? "DELETE FROM raw_items WHERE seq = (SELECT seq FROM raw_items WHERE queue = $q AND value = $v AND uniq = 0 ORDER BY seq LIMIT 1);"
            : "DELETE FROM raw_items WHERE queue = $q AND value = $v AND uniq = 1;";
        return await _writes.RunAsync(
            (Broker: this, Text: text, Queue: queue, Items: items),
            static a =>
            {
                using var command = a.Broker.Command(a.Text, "$q", "$v");
                command.Parameters[0].Value = a.Queue;
                long removed = 0;
                for (var i = 0; i < a.Items.Count; i++)
                {
                    command.Parameters[1].Value = a.Items[i];
                    removed += command.ExecuteNonQuery();
                }

                return removed;
            },
            null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Same semantics as the Redis adapter: a subqueue is deleted and forgotten; a root or <c>root/</c> is deleted
    /// with every known subqueue and the known-subqueues record.</remarks>
    public async ValueTask EmptyAsync(string queue, CancellationToken cancellationToken = default)
    {
        RawQueueNames.GetRequiredType(queue);
        await _writes.RunAsync(
            (Broker: this, Queue: queue),
            static a =>
            {
                var root = RawQueueNames.Root(a.Queue);
                if (RawQueueNames.IsSubqueue(a.Queue))
                {
                    using var items = a.Broker.Command("DELETE FROM raw_items WHERE queue = $q;", "$q");
                    items.Parameters[0].Value = a.Queue;
                    items.ExecuteNonQuery();
                    using var known = a.Broker.Command("DELETE FROM raw_subqueues WHERE root = $r AND queue = $q;", "$r", "$q");
                    known.Parameters[0].Value = root;
                    known.Parameters[1].Value = a.Queue;
                    known.ExecuteNonQuery();
                }
                else
                {
                    using var items = a.Broker.Command(
                        "DELETE FROM raw_items WHERE " + ListenFilter + "; DELETE FROM raw_subqueues WHERE root = $q;",
                        "$q");
                    items.Parameters[0].Value = root;
                    items.ExecuteNonQuery();
                }
            },
            null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts <paramref name="items"/> inside the open transaction, recording a subqueue under its root.</summary>
    private void InsertItems(string queue, RawQueueType type, ReadOnlySpan<RawItem> items, bool atHead)
    {
        if (RawQueueNames.IsSubqueue(queue))
        {
            _recordSubqueue.Parameters[0].Value = RawQueueNames.Root(queue);
            _recordSubqueue.Parameters[1].Value = queue;
            _recordSubqueue.ExecuteNonQuery();
        }

        if (atHead && type == RawQueueType.List)
        {
            InsertAtHead(queue, items);
            return;
        }

        var insert = type switch
        {
            RawQueueType.List => _insertList,
            RawQueueType.Set => _insertSet,
            _ => _insertSorted,
        };
        insert.Parameters[0].Value = queue;
        var scored = insert == _insertSorted;
        for (var i = 0; i < items.Length; i++)
        {
            insert.Parameters[1].Value = items[i].Value;
            if (scored)
            {
                insert.Parameters[2].Value = items[i].Score;
            }

            insert.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Puts list items before every item of the file, in their order: a list is taken in <c>seq</c> order, and the
    /// rowids below the smallest one are free (new rows take the largest plus one).
    /// </summary>
    private void InsertAtHead(string queue, ReadOnlySpan<RawItem> items)
    {
        using var first = _connection.CreateCommand();
        first.CommandText = "SELECT COALESCE(MIN(seq), 1) FROM raw_items;";
        var seq = (long)first.ExecuteScalar()! - items.Length;
        using var insert = _connection.CreateCommand();
        insert.CommandText = "INSERT INTO raw_items(seq, queue, value, score, uniq) VALUES ($seq, $q, $v, 0, 0);";
        var seqParameter = insert.Parameters.Add("$seq", SqliteType.Integer);
        insert.Parameters.AddWithValue("$q", queue);
        var value = insert.Parameters.Add("$v", SqliteType.Text);
        foreach (var item in items)
        {
            seqParameter.Value = seq++;
            value.Value = item.Value;
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Takes up to <paramref name="max"/> items inside the open transaction, appending their values to
    /// <paramref name="into"/>: deleted, or re-scored <paramref name="pushbackSeconds"/> ahead for a timed set with
    /// pushback; forgets known subqueues found empty.
    /// </summary>
    private int TakeItems(string queue, int max, double nowSeconds, double pushbackSeconds, List<string> into)
    {
        var listen = RawQueueNames.IsListenForm(queue);
        var timed = RawQueueNames.GetRequiredType(queue) == RawQueueType.TimedSet;
        var pushback = timed && pushbackSeconds > 0;
        var root = RawQueueNames.Root(queue);
        var key = listen ? root : queue;
        var select = DequeueCommand(listen, timed, pushback, take: false);
        var take = DequeueCommand(listen, timed, pushback, take: true);

        SetDequeueParameters(select, key, max, nowSeconds, timed, pushback: false, 0);
        var taken = 0;
        using (var reader = select.ExecuteReader())
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

        return taken;
    }

    private static void SetDequeueParameters(SqliteCommand command, string key, int max, double now, bool timed, bool pushback, double until)
    {
        var p = command.Parameters;
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
        var index = (listen ? 8 : 0) | (timed ? 4 : 0) | (pushback && take ? 2 : 0) | (take ? 1 : 0);
        var command = _dequeueCommands[index];
        if (command is not null)
        {
            return command;
        }

        var filter = listen ? ListenFilter : SingleFilter;
        var due = timed ? " AND score <= $now" : string.Empty;
        var order = listen ? "queue <> $q, queue, score, seq" : "score, seq";
        var chosen = $"SELECT seq FROM raw_items WHERE {filter}{due} ORDER BY {order} LIMIT $n";
        var text = !take
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
}
