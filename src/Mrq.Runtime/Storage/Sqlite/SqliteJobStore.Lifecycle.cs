using System.Text;
using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>Cancel, requeue, retries, purge, progress and logs: not per-job hot paths, so commands are built per call.</summary>
internal sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    public ValueTask<long> CancelAsync(JobFilter filter, DateTime now, DateTime dateExpires, CancellationToken cancellationToken = default) =>
        UpdateMatchingAsync(
            filter,
            "status IN ('queued', 'started', 'retry')",
            "status = 'cancel', dateupdated = $now, dateexpires = $expires",
            command =>
            {
                command.Parameters.AddWithValue("$now", SqliteDates.ToUnixMilliseconds(now));
                command.Parameters.AddWithValue("$expires", SqliteDates.ToUnixMilliseconds(dateExpires));
            },
            static key => key.With("cancel"),
            cancellationToken);

    /// <inheritdoc/>
    public ValueTask<long> RequeueAsync(JobFilter filter, string? destinationQueue, bool keepRetryCount, DateTime now, CancellationToken cancellationToken = default) =>
        UpdateMatchingAsync(
            filter,
            "1 = 1",
            "status = 'queued', queue = COALESCE($destination, queue), datequeued = $now, dateupdated = $now, " +
            "dateexpires = NULL, dateretry = NULL" + (keepRetryCount ? "" : ", retry_count = 0"),
            command =>
            {
                command.Parameters.AddWithValue("$now", SqliteDates.ToUnixMilliseconds(now));
                command.Parameters.AddWithValue("$destination", (object?)destinationQueue ?? DBNull.Value);
            },
            key => key.With(QueuedName, destinationQueue),
            cancellationToken);

    /// <inheritdoc/>
    public ValueTask<long> RequeueDueRetriesAsync(DateTime now, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "UPDATE mrq_jobs SET status = 'queued', datequeued = $now, dateupdated = $now, dateretry = NULL " +
            "WHERE status = 'retry' AND dateretry <= $now;",
            command => command.Parameters.AddWithValue("$now", SqliteDates.ToUnixMilliseconds(now)),
            cancellationToken,
            moved: new JobsMoved("status = 'retry' AND dateretry <= $now", static key => key.With(QueuedName)));

    /// <inheritdoc/>
    public ValueTask<long> PurgeExpiredAsync(DateTime now, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "DELETE FROM mrq_jobs WHERE dateexpires <= $now;",
            command => command.Parameters.AddWithValue("$now", SqliteDates.ToUnixMilliseconds(now)),
            cancellationToken,
            before: "DELETE FROM mrq_logs WHERE job IN (SELECT id FROM mrq_jobs WHERE dateexpires <= $now); " +
                "DELETE FROM mrq_job_counts WHERE count = 0;",
            moved: new JobsMoved("dateexpires <= $now", static _ => null));

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<JobId>> FindLostClaimsAsync(IReadOnlyList<JobId> ids, string workerId, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One statement per id on an in-process file is microseconds each; a job missing from the table is lost too.
            using var command = _reader.CreateCommand();
            command.CommandText = "SELECT status = 'started' AND worker = $worker FROM mrq_jobs WHERE id = $id;";
            var id = command.Parameters.Add("$id", SqliteType.Blob);
            command.Parameters.AddWithValue("$worker", workerId);
            var lost = new List<JobId>();
            foreach (var job in ids)
            {
                id.Value = job.ToByteArray();
                if (command.ExecuteScalar() is not long stillOurs || stillOurs == 0)
                {
                    lost.Add(job);
                }
            }

            return lost;
        }
        finally
        {
            _readGate.Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask SetProgressAsync(JobId id, double progress, CancellationToken cancellationToken = default) =>
        await WriteAsync(
            "UPDATE mrq_jobs SET progress = $progress WHERE id = $id;",
            command =>
            {
                command.Parameters.AddWithValue("$progress", progress);
                command.Parameters.AddWithValue("$id", id.ToByteArray());
            },
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<string> GetLogsAsync(JobId id, CancellationToken cancellationToken = default)
    {
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _reader.CreateCommand();
            command.CommandText = "SELECT logs FROM mrq_logs WHERE job = $job ORDER BY id;";
            command.Parameters.AddWithValue("$job", id.ToByteArray());
            using var reader = command.ExecuteReader();
            var logs = new StringBuilder();
            while (reader.Read())
            {
                logs.Append(reader.GetString(0));
            }

            return logs.ToString();
        }
        finally
        {
            _readGate.Exit();
        }
    }

    private async ValueTask<long> UpdateMatchingAsync(JobFilter filter, string statusCondition, string assignments, Action<SqliteCommand> bind, Func<SqliteJobCounts.Key, SqliteJobCounts.Key?> to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.IsEmpty)
        {
            return 0;
        }

        var (where, bindFilter) = SqliteJobFilter.Where(filter);
        if (filter.Params is null)
        {
            return await WriteAsync($"UPDATE mrq_jobs SET {assignments} WHERE {statusCondition} AND {where};", command =>
            {
                bindFilter(command);
                bind(command);
            }, cancellationToken, moved: new JobsMoved($"{statusCondition} AND {where}", to)).ConfigureAwait(false);
        }

        // Params are MessagePack: select candidates with the other criteria, compare their params here, update by id.
        var wanted = ParamsFilter.Parse(filter.Params);
        var refilled = new HashSet<string>(StringComparer.Ordinal);
        var changed = await InWriteTransactionAsync(
            (StatusCondition: statusCondition, Assignments: assignments, Bind: bind, Where: where, BindFilter: bindFilter, Wanted: wanted, To: to, Refilled: refilled),
            static (store, a) =>
            {
                var ids = new List<byte[]>();
                using (var select = store._writer.CreateCommand())
                {
                    select.CommandText = $"SELECT id, params, queue, path, COALESCE(raw_queue, ''), status FROM mrq_jobs WHERE {a.StatusCondition} AND {a.Where};";
                    a.BindFilter(select);
                    using var reader = select.ExecuteReader();
                    while (reader.Read())
                    {
                        if (ParamsFilter.Matches(reader.GetFieldValue<byte[]>(1), a.Wanted))
                        {
                            ids.Add(reader.GetFieldValue<byte[]>(0));
                            var key = new SqliteJobCounts.Key(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
                            store._counts.Add(key, -1);
                            if (a.To(key) is { } moved)
                            {
                                store._counts.Add(moved, 1);
                                NoteRefilled(a.Refilled, moved, 1);
                            }
                        }
                    }
                }

                using var update = store._writer.CreateCommand();
                update.CommandText = $"UPDATE mrq_jobs SET {a.Assignments} WHERE id = $target;";
                a.Bind(update);
                var target = update.Parameters.Add("$target", SqliteType.Blob);
                foreach (var id in ids)
                {
                    target.Value = id;
                    update.ExecuteNonQuery();
                }

                return (long)ids.Count;
            },
            null,
            cancellationToken).ConfigureAwait(false);
        WakeRefilled(refilled);
        return changed;
    }

    private async ValueTask<long> WriteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken, string? before = null, JobsMoved? moved = null)
    {
        var refilled = moved is null ? null : new HashSet<string>(StringComparer.Ordinal);
        var changed = await InWriteTransactionAsync(
            (Sql: sql, Bind: bind, Before: before, Moved: moved, Refilled: refilled),
            static (store, a) =>
            {
                if (a.Moved is { } jobsMoved)
                {
                    store.CountMoved(jobsMoved, a.Bind, a.Refilled!);
                }

                if (a.Before is not null)
                {
                    using var first = store._writer.CreateCommand();
                    first.CommandText = a.Before;
                    a.Bind(first);
                    first.ExecuteNonQuery();
                }

                using var command = store._writer.CreateCommand();
                command.CommandText = a.Sql;
                a.Bind(command);
                return (long)command.ExecuteNonQuery();
            },
            null,
            cancellationToken).ConfigureAwait(false);
        WakeRefilled(refilled);
        return changed;
    }

    /// <summary>
    /// Reports to <see cref="_counts"/> the jobs a bulk statement is about to change (read per combination before it
    /// runs, in its transaction): each leaves its combination and, unless deleted, enters the one it maps to. The roots
    /// of the queues that jobs enter as <c>queued</c> go to <paramref name="refilled"/>.
    /// </summary>
    private void CountMoved(JobsMoved moved, Action<SqliteCommand> bind, HashSet<string> refilled)
    {
        using var groups = _writer.CreateCommand();
        groups.CommandText = $"SELECT queue, path, COALESCE(raw_queue, ''), status, COUNT(*) FROM mrq_jobs WHERE {moved.Where} GROUP BY 1, 2, 3, 4;";
        bind(groups);
        using var reader = groups.ExecuteReader();
        while (reader.Read())
        {
            var key = new SqliteJobCounts.Key(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
            var count = reader.GetInt64(4);
            _counts.Add(key, -count);
            if (moved.To(key) is { } to)
            {
                _counts.Add(to, count);
                NoteRefilled(refilled, to, count);
            }
        }
    }

    /// <summary>The rows a bulk statement changes (its WHERE clause) and where each combination goes (null: deleted).</summary>
    private sealed record JobsMoved(string Where, Func<SqliteJobCounts.Key, SqliteJobCounts.Key?> To);
}
