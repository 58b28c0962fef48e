using System.Text;
using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>Claims with <see cref="ClaimOptions"/>: LIFO (<c>_reverse</c> queues) and task whitelists / blacklists.</summary>
internal sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    public async ValueTask<int> ClaimAsync(string queue, int max, string workerId, ClaimOptions options, List<ClaimedJob> into, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsFifo)
        {
            return await ClaimAsync(queue, max, workerId, into, cancellationToken).ConfigureAwait(false);
        }

        if (!options.CanClaim(queue, max, workerId, into))
        {
            // Nothing to take, or an empty whitelist.
            return 0;
        }

        return await InWriteTransactionAsync(
            (Queue: queue, Max: max, WorkerId: workerId, Options: options, Into: into),
            static (store, a) => store.ClaimRows(a.Queue, a.Max, a.WorkerId, a.Options, a.Into),
            into,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Claims with <paramref name="options"/> inside the open transaction (the caller commits or rolls back).</summary>
    private int ClaimRows(string queue, int max, string workerId, ClaimOptions options, List<ClaimedJob> into)
    {
        if (max == 0)
        {
            return 0;
        }

        if (options.IsFifo)
        {
            return ClaimFifoRows(queue, max, workerId, into);
        }

        if (options.OnlyPaths is { Count: 0 })
        {
            // An empty whitelist claims nothing.
            return 0;
        }

        // Built per call: filtered claims are the exception, and each shape of filter is a different statement.
        using var claim = _writer.CreateCommand();
        var now = SqliteDates.ToUnixMilliseconds(DateTime.UtcNow);
        claim.CommandText = ClaimSqlFor(options, claim);
        claim.Parameters.AddWithValue("$now", now);
        claim.Parameters.AddWithValue("$worker", workerId);
        claim.Parameters.AddWithValue("$queue", queue);
        claim.Parameters.AddWithValue("$max", max);
        return ExecuteClaimRows(claim, queue, SqliteDates.FromUnixMilliseconds(now), options.NewestFirst, into);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> GetQueuesAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _reader.CreateCommand();

            // A range on the (queue, status) index: every name starting with the prefix sorts between it and the prefix
            // with its last character incremented (TEXT compares as bytes).
            command.CommandText = "SELECT DISTINCT queue FROM mrq_jobs WHERE queue >= $from AND queue < $to ORDER BY queue;";
            command.Parameters.AddWithValue("$from", prefix);
            command.Parameters.AddWithValue("$to", prefix[..^1] + (char)(prefix[^1] + 1));
            using var reader = command.ExecuteReader();
            var queues = new List<string>();
            while (reader.Read())
            {
                queues.Add(reader.GetString(0));
            }

            return queues;
        }
        finally
        {
            _readGate.Exit();
        }
    }

    /// <summary>The FIFO claim (<see cref="ClaimSelectSql"/>) as one UPDATE … RETURNING, with a path condition and the sort direction of <paramref name="options"/>.</summary>
    private static string ClaimSqlFor(ClaimOptions options, SqliteCommand command)
    {
        var paths = new StringBuilder();
        var (list, negate) = options.OnlyPaths is { } only ? (only, false) : (options.ExceptPaths, true);
        if (list is { Count: > 0 })
        {
            paths.Append(negate ? " AND path NOT IN (" : " AND path IN (");
            for (var i = 0; i < list.Count; i++)
            {
                paths.Append(i == 0 ? "" : ", ").Append("$path").Append(i);
                command.Parameters.AddWithValue("$path" + i, list[i]);
            }

            paths.Append(')');
        }

        var direction = options.NewestFirst ? "DESC" : "ASC";
        return "UPDATE mrq_jobs SET status = 'started', datestarted = $now, worker = $worker, dateexpires = NULL " +
            "WHERE id IN (SELECT id FROM mrq_jobs INDEXED BY mrq_jobs_dequeue " +
            $"WHERE queue = $queue AND status = 'queued'{paths} ORDER BY datequeued {direction}, id {direction} LIMIT $max) " +
            "RETURNING id, path, params, retry_count, datequeued, traceparent, tracestate, raw_queue;";
    }
}
