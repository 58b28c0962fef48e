using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Mrq.Storage.Queries;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// The dashboard's reads (<see cref="IJobQueries"/>). Pages run newest-first by rowid, which every index ends with, so a
/// filter on queue, path, worker or an indexed status walks its index backwards and stops at the page's end.
/// </summary>
internal sealed partial class SqliteJobStore : IJobQueries
{
    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<JobInfo>> FindJobsAsync(JobFilter filter, int skip, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var wanted = filter.Params is null ? null : ParamsFilter.Parse(filter.Params);
        var (where, bind) = SqliteJobFilter.Where(filter);
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _reader.CreateCommand();
            bind(command);
            var jobs = new List<JobInfo>(Math.Min(limit, 1000));
            // Started jobs are few (at most the workers' greenlets) and sit in their own partial index; without the hint
            // SQLite prefers walking the whole table in rowid order.
            var from = filter.Statuses is [JobStatus.Started] ? "mrq_jobs INDEXED BY mrq_jobs_started" : "mrq_jobs";
            if (wanted is null)
            {
                command.CommandText = $"SELECT id, {JobColumns} FROM {from} WHERE {where} ORDER BY rowid DESC LIMIT $limit OFFSET $skip;";
                command.Parameters.AddWithValue("$limit", limit);
                command.Parameters.AddWithValue("$skip", skip);
            }
            else
            {
                // Params are MessagePack: candidates are compared here, so the page is cut after the comparison.
                command.CommandText = $"SELECT id, {JobColumns} FROM {from} WHERE {where} ORDER BY rowid DESC;";
            }

            using var reader = command.ExecuteReader();
            var skipped = 0;
            while (jobs.Count < limit && reader.Read())
            {
                if (wanted is not null)
                {
                    if (!ParamsFilter.Matches(reader.GetFieldValue<byte[]>(4), wanted))
                    {
                        continue;
                    }

                    if (skipped++ < skip)
                    {
                        continue;
                    }
                }

                jobs.Add(ReadJob(reader, 1, new JobId(reader.GetFieldValue<byte[]>(0))));
            }

            return jobs;
        }
        finally
        {
            _readGate.Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountJobsAsync(JobFilter filter, long cap, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(cap);
        var wanted = filter.Params is null ? null : ParamsFilter.Parse(filter.Params);
        var (where, bind) = SqliteJobFilter.Where(filter);
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _reader.CreateCommand();
            bind(command);
            if (wanted is null)
            {
                command.CommandText = $"SELECT COUNT(*) FROM (SELECT 1 FROM mrq_jobs WHERE {where} LIMIT $cap);";
                command.Parameters.AddWithValue("$cap", cap);
                return (long)command.ExecuteScalar()!;
            }

            command.CommandText = $"SELECT params FROM mrq_jobs WHERE {where};";
            using var reader = command.ExecuteReader();
            long count = 0;
            while (count < cap && reader.Read())
            {
                if (ParamsFilter.Matches(reader.GetFieldValue<byte[]>(0), wanted))
                {
                    count++;
                }
            }

            return count;
        }
        finally
        {
            _readGate.Exit();
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByQueueAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync("SELECT queue, status, COUNT(*) FROM mrq_jobs GROUP BY queue, status;", cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByRawQueueAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync("SELECT raw_queue, status, COUNT(*) FROM mrq_jobs WHERE raw_queue IS NOT NULL GROUP BY raw_queue, status;", cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByPathAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync("SELECT path, status, COUNT(*) FROM mrq_jobs GROUP BY path, status;", cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountExceptionsAsync(CancellationToken cancellationToken = default) =>
        GroupAsync("SELECT path, exceptiontype, COUNT(*) FROM mrq_jobs WHERE exceptiontype IS NOT NULL GROUP BY path, exceptiontype;", cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<JobLogsChunk> ReadLogsAsync(JobId id, string? afterCursor, CancellationToken cancellationToken = default)
    {
        long after = 0;
        if (afterCursor is not null && !long.TryParse(afterCursor, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw new ArgumentException("The log cursor is not one this store returned.", nameof(afterCursor));
        }

        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _reader.CreateCommand();
            command.CommandText = "SELECT id, logs FROM mrq_logs WHERE job = $job AND id > $after ORDER BY id;";
            command.Parameters.AddWithValue("$job", id.ToByteArray());
            command.Parameters.AddWithValue("$after", after);
            using var reader = command.ExecuteReader();
            var logs = new StringBuilder();
            while (reader.Read())
            {
                after = reader.GetInt64(0);
                logs.Append(reader.GetString(1));
            }

            return new JobLogsChunk(logs.ToString(), after.ToString(CultureInfo.InvariantCulture));
        }
        finally
        {
            _readGate.Exit();
        }
    }

    private async ValueTask<IReadOnlyList<JobGroupCount>> GroupAsync(string sql, CancellationToken cancellationToken)
    {
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _reader.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var groups = new List<JobGroupCount>();
            while (reader.Read())
            {
                groups.Add(new JobGroupCount(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }

            return groups;
        }
        finally
        {
            _readGate.Exit();
        }
    }
}
