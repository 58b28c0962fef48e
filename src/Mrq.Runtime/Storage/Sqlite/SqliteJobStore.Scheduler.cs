using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>The scheduler's entries and state (<c>mrq_scheduled_jobs</c>).</summary>
internal sealed partial class SqliteJobStore
{
    private const string ScheduledColumns = "hash, path, params, queue, interval, dailytime, weekday, monthday, datelastqueued, cron";

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ScheduledJob>> SyncScheduledJobsAsync(IReadOnlyList<ScheduledJob> configured, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configured);
        return await InWriteTransactionAsync(
            configured,
            static (store, entries) =>
            {
                var stored = ReadScheduled(store._writer);
                var wanted = entries.Select(c => c.Hash).ToHashSet(StringComparer.Ordinal);
                using (var delete = store._writer.CreateCommand())
                {
                    delete.CommandText = "DELETE FROM mrq_scheduled_jobs WHERE hash = $hash;";
                    var hash = delete.Parameters.Add("$hash", SqliteType.Text);
                    foreach (var entry in stored.Where(e => !wanted.Contains(e.Hash)))
                    {
                        hash.Value = entry.Hash;
                        delete.ExecuteNonQuery();
                    }
                }

                using (var insert = store._writer.CreateCommand())
                {
                    insert.CommandText = $"INSERT INTO mrq_scheduled_jobs ({ScheduledColumns}) VALUES ($hash, $path, $params, $queue, $interval, $dailytime, $weekday, $monthday, $datelastqueued, $cron) ON CONFLICT (hash) DO NOTHING;";
                    foreach (var entry in entries)
                    {
                        insert.Parameters.Clear();
                        insert.Parameters.AddWithValue("$hash", entry.Hash);
                        insert.Parameters.AddWithValue("$path", entry.Path);
                        insert.Parameters.AddWithValue("$params", (object?)entry.Params ?? DBNull.Value);
                        insert.Parameters.AddWithValue("$queue", (object?)entry.Queue ?? DBNull.Value);
                        insert.Parameters.AddWithValue("$interval", entry.Interval is { } interval ? interval : DBNull.Value);
                        insert.Parameters.AddWithValue("$dailytime", entry.DailyTime is { } time ? time.ToString("hh\\:mm\\:ss", CultureInfo.InvariantCulture) : DBNull.Value);
                        insert.Parameters.AddWithValue("$weekday", entry.Weekday is { } weekday ? weekday : DBNull.Value);
                        insert.Parameters.AddWithValue("$monthday", entry.Monthday is { } monthday ? monthday : DBNull.Value);
                        insert.Parameters.AddWithValue("$datelastqueued", SqliteDates.ToUnixMilliseconds(entry.DateLastQueued));
                        insert.Parameters.AddWithValue("$cron", (object?)entry.Cron ?? DBNull.Value);
                        insert.ExecuteNonQuery();
                    }
                }

                return ReadScheduled(store._writer);
            },
            null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ScheduledJob>> GetScheduledJobsAsync(CancellationToken cancellationToken = default)
    {
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ReadScheduled(_reader);
        }
        finally
        {
            _readGate.Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask SetScheduledJobQueuedAsync(string hash, DateTime dateLastQueued, CancellationToken cancellationToken = default) =>
        await WriteAsync(
            "UPDATE mrq_scheduled_jobs SET datelastqueued = $date WHERE hash = $hash;",
            command =>
            {
                command.Parameters.AddWithValue("$hash", hash);
                command.Parameters.AddWithValue("$date", SqliteDates.ToUnixMilliseconds(dateLastQueued));
            },
            cancellationToken).ConfigureAwait(false);

    private static List<ScheduledJob> ReadScheduled(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ScheduledColumns} FROM mrq_scheduled_jobs ORDER BY hash;";
        using var reader = command.ExecuteReader();
        var entries = new List<ScheduledJob>();
        while (reader.Read())
        {
            entries.Add(new ScheduledJob
            {
                Hash = reader.GetString(0),
                Path = reader.GetString(1),
                Params = reader.IsDBNull(2) ? null : reader.GetString(2),
                Queue = reader.IsDBNull(3) ? null : reader.GetString(3),
                Interval = reader.IsDBNull(4) ? null : reader.GetInt32(4),
                DailyTime = reader.IsDBNull(5) ? null : TimeSpan.ParseExact(reader.GetString(5), "hh\\:mm\\:ss", CultureInfo.InvariantCulture),
                Weekday = reader.IsDBNull(6) ? null : reader.GetInt32(6),
                Monthday = reader.IsDBNull(7) ? null : reader.GetInt32(7),
                DateLastQueued = SqliteDates.FromUnixMilliseconds(reader.GetInt64(8)),
                Cron = reader.IsDBNull(9) ? null : reader.GetString(9),
            });
        }

        return entries;
    }
}
