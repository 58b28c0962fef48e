using Microsoft.Data.Sqlite;

namespace Mrq.Storage.SqliteBroker;

/// <summary>Reads: sizes, items of a queue, the raw queues and the known subqueues of a root.</summary>
internal sealed partial class SqliteQueueBroker
{
    /// <inheritdoc />
    public ValueTask<long> SizeAsync(string queue, CancellationToken cancellationToken = default)
        => CountAsync(queue, due: false, default, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> DueSizeAsync(string queue, DateTime now, CancellationToken cancellationToken = default)
        => CountAsync(queue, due: true, now, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RawItem>> ListAsync(string queue, int skip, int limit, CancellationToken cancellationToken = default)
    {
        RequireConcrete(queue);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        if (limit <= 0)
        {
            return [];
        }

        return await ReadAsync(
            (Queue: queue, Skip: skip, Limit: limit),
            static (broker, a) =>
            {
                using var command = broker.Command(
                    "SELECT value, score FROM raw_items WHERE queue = $q ORDER BY score, seq LIMIT $limit OFFSET $skip;",
                    "$q",
                    "$limit",
                    "$skip");
                command.Parameters[0].Value = a.Queue;
                command.Parameters[1].Value = a.Limit;
                command.Parameters[2].Value = a.Skip;
                var items = new List<RawItem>(Math.Min(a.Limit, 1024));
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    items.Add(new RawItem(reader.GetString(0), reader.GetDouble(1)));
                }

                return (IReadOnlyList<RawItem>)items;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListRawQueuesAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(
            0,
            static (broker, _) =>
            {
                // One index seek per queue (the next name after the last), not a scan of every item.
                using var command = broker.Command(
                    "WITH RECURSIVE names(name) AS (SELECT MIN(queue) FROM raw_items " +
                    "UNION ALL SELECT (SELECT MIN(queue) FROM raw_items WHERE queue > names.name) FROM names WHERE names.name IS NOT NULL) " +
                    "SELECT name FROM names WHERE name IS NOT NULL;");
                return ReadNames(command);
            },
            cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> KnownSubqueuesAsync(string root, CancellationToken cancellationToken = default)
    {
        RawQueueNames.GetRequiredType(root);
        return await ReadAsync(
            RawQueueNames.Root(root),
            static (broker, root) =>
            {
                using var command = broker.Command("SELECT queue FROM raw_subqueues WHERE root = $r;", "$r");
                command.Parameters[0].Value = root;
                return ReadNames(command);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<long> CountAsync(string queue, bool due, DateTime now, CancellationToken cancellationToken)
    {
        var type = RawQueueNames.GetRequiredType(queue);
        var listen = RawQueueNames.IsListenForm(queue);
        var dueOnly = due && type == RawQueueType.TimedSet;
        var text = string.Concat(
            "SELECT COUNT(*) FROM raw_items WHERE ",
            listen ? ListenFilter : SingleFilter,
            dueOnly ? " AND score <= $now;" : ";");
        return await ReadAsync(
            (Text: text, Key: listen ? RawQueueNames.Root(queue) : queue, DueOnly: dueOnly, Now: UnixSeconds(now)),
            static (broker, a) =>
            {
                using var command = a.DueOnly ? broker.Command(a.Text, "$q", "$now") : broker.Command(a.Text, "$q");
                command.Parameters[0].Value = a.Key;
                if (a.DueOnly)
                {
                    command.Parameters[1].Value = a.Now;
                }

                return (long)command.ExecuteScalar()!;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first column of every row, sorted by ordinal.</summary>
    private static IReadOnlyList<string> ReadNames(SqliteCommand command)
    {
        var names = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
