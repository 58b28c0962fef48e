using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Mrq.Storage.Queries;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// The dashboard's reads (<see cref="IJobQueries"/>), each bounded whatever the number of jobs:
/// <list type="bullet">
/// <item>Aggregates and counts by queue, path, raw queue and status sum rows of <c>mrq_job_counts</c> (one per
/// combination, see <see cref="SqliteJobCounts"/>), never the jobs.</item>
/// <item>A page walks one or more ranges of an index newest first by rowid (which every index ends with), through
/// <see cref="SqliteJobWalk"/>: a queue, a queue and each of its subqueues (names from the counts), a path, an exception
/// type per path, the started jobs; the whole table otherwise. Conditions the walk's index does not serve are checked on
/// the rows it reads, and then it reads at most <see cref="ScanBudget"/> rows: the page says it is partial and its
/// cursor continues the search.</item>
/// <item>Pages continue from a cursor (the rowid of the last job read), not from an offset.</item>
/// </list>
/// </summary>
internal sealed partial class SqliteJobStore : IJobQueries
{
    /// <summary>The most rows one page or count reads when its filter has conditions that no index of the walk serves.</summary>
    internal const int ScanBudget = 25_000;

    /// <inheritdoc/>
    public async ValueTask<JobPage> FindJobsAsync(JobFilter filter, string? after, int skip, int limit, CancellationToken cancellationToken = default)
    {
        var wanted = JobQueryArguments.CheckPage(filter, skip, limit);
        var before = ParseCursor(after);
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var walk = SqliteJobWalk.Plan(_reader, filter, wanted is not null);
            if (walk is null || limit == 0)
            {
                return new JobPage([], null, false);
            }

            // The walk reads rowids and the filter's verdict (and params when they are compared here); the page's jobs
            // are read by rowid afterwards, so a row the filter rejects costs no more than its index entry and verdict.
            var rows = new List<long>(Math.Min(limit, 1000));
            string? next = null;
            var partial = false;
            using (walk)
            {
                var rowLimit = walk.Covered ? skip + limit + 1L : ScanBudget + 1L;
                walk.Open(wanted is null ? "NULL" : "params", before, rowLimit);
                var skipped = 0;
                long examined = 0;
                long last = 0;
                while (walk.Current is { } row)
                {
                    if (!walk.Covered && examined == ScanBudget)
                    {
                        (next, partial) = (Cursor(last), true);
                        break;
                    }

                    examined++;
                    last = row.GetInt64(0);
                    if (row.GetInt64(1) != 0 && (wanted is null || ParamsFilter.Matches(row.GetFieldValue<byte[]>(2), wanted)) && skipped++ >= skip)
                    {
                        rows.Add(last);
                        if (rows.Count == limit)
                        {
                            walk.Advance();
                            next = walk.Current is null ? null : Cursor(last);
                            break;
                        }
                    }

                    walk.Advance();
                }
            }

            using var read = _reader.CreateCommand();
            read.CommandText = $"SELECT id, {JobColumns} FROM mrq_jobs WHERE rowid = $rowid;";
            var rowid = read.Parameters.Add("$rowid", SqliteType.Integer);
            var jobs = new List<JobInfo>(rows.Count);
            foreach (var found in rows)
            {
                rowid.Value = found;
                using var job = read.ExecuteReader();
                if (job.Read())
                {
                    jobs.Add(ReadJob(job, 1, new JobId(job.GetFieldValue<byte[]>(0))));
                }
            }

            return new JobPage(jobs, next, partial);
        }
        finally
        {
            _readGate.Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<JobCount> CountJobsAsync(JobFilter filter, long cap, CancellationToken cancellationToken = default)
    {
        var wanted = JobQueryArguments.CheckCount(filter, cap);
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (SqliteJobWalk.IsCountable(filter))
            {
                return new JobCount(SqliteJobWalk.CountFromCounts(_reader, filter), IsLowerBound: false);
            }

            var walk = SqliteJobWalk.Plan(_reader, filter, wanted is not null);
            if (walk is null)
            {
                return new JobCount(0, IsLowerBound: false);
            }

            using (walk)
            {
                if (walk.Covered)
                {
                    // The walk's index holds exactly the matching jobs: count its entries, no further than the cap.
                    var (where, bind) = SqliteJobFilter.Where(filter);
                    using var command = _reader.CreateCommand();
                    bind(command);
                    command.CommandText = $"SELECT COUNT(*) FROM (SELECT 1 FROM mrq_jobs WHERE {where} LIMIT $cap);";
                    command.Parameters.AddWithValue("$cap", cap);
                    SqliteJobWalk.Observer?.Invoke(command);
                    var counted = (long)command.ExecuteScalar()!;
                    return new JobCount(counted, IsLowerBound: counted >= cap && cap > 0);
                }

                walk.Open(wanted is null ? "NULL" : "params", before: null, ScanBudget + 1L);
                long count = 0;
                long examined = 0;
                while (walk.Current is { } row && count < cap)
                {
                    if (examined++ == ScanBudget)
                    {
                        return new JobCount(count, IsLowerBound: true);
                    }

                    if (row.GetInt64(1) != 0 && (wanted is null || ParamsFilter.Matches(row.GetFieldValue<byte[]>(2), wanted)))
                    {
                        count++;
                    }

                    walk.Advance();
                }

                return new JobCount(count, IsLowerBound: count >= cap && cap > 0);
            }
        }
        finally
        {
            _readGate.Exit();
        }
    }

    private static long? ParseCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        return long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var rowid)
            ? rowid
            : throw new ArgumentException("The page cursor is not one this store returned.", nameof(cursor));
    }

    private static string Cursor(long rowid) => rowid.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByQueueAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync("SELECT queue, status, SUM(count) FROM mrq_job_counts GROUP BY queue, status HAVING SUM(count) > 0;", cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByRawQueueAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync("SELECT raw_queue, status, SUM(count) FROM mrq_job_counts WHERE raw_queue <> '' GROUP BY raw_queue, status HAVING SUM(count) > 0;", cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByPathAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync("SELECT path, status, SUM(count) FROM mrq_job_counts GROUP BY path, status HAVING SUM(count) > 0;", cancellationToken);

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
            SqliteJobWalk.Observer?.Invoke(command);
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
