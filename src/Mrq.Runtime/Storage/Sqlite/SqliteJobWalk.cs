using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// How a dashboard read of the embedded store walks <c>mrq_jobs</c> newest first: one or more index ranges, each in rowid
/// order (an index's entries for one key are sorted by rowid), merged here by rowid. Every row read carries the whole
/// filter's verdict (column 1), so conditions the ranges do not serve are checked by SQLite on the rows read; the caller
/// bounds how many it reads unless the walk is <see cref="Covered"/>. Also answers counts from <c>mrq_job_counts</c>.
/// </summary>
internal sealed class SqliteJobWalk : IDisposable
{
    /// <summary>The most index ranges merged: a family of more subqueues (or an exception type over more task paths) reads the table instead.</summary>
    private const int MaxRanges = 64;

    /// <summary>Sees each dashboard read statement before it runs (the benchmark explains their plans); null otherwise.</summary>
    internal static Action<SqliteCommand>? Observer { get; set; }

    private readonly SqliteConnection _connection;
    private readonly JobFilter _filter;
    private readonly List<Range> _ranges;
    private readonly List<SqliteCommand> _commands = [];
    private readonly List<SqliteDataReader> _readers = [];
    private readonly List<bool> _hasRow = [];

    private SqliteJobWalk(SqliteConnection connection, JobFilter filter, List<Range> ranges, bool covered)
    {
        _connection = connection;
        _filter = filter;
        _ranges = ranges;
        Covered = covered;
    }

    /// <summary>True when the ranges hold exactly the jobs the filter selects (every row read matches).</summary>
    public bool Covered { get; }

    /// <summary>The row with the highest rowid not yet consumed, or null at the end: rowid, verdict (0/1), then the opened columns.</summary>
    public SqliteDataReader? Current { get; private set; }

    /// <summary>True for a filter on queue, path, raw queue and status only, which <see cref="CountFromCounts"/> answers exactly.</summary>
    public static bool IsCountable(JobFilter filter) =>
        filter.Id is null && filter.Worker is null && filter.ExceptionType is null && filter.Params is null;

    /// <summary>How many jobs the queue, path, raw queue and status conditions of <paramref name="filter"/> select, from <c>mrq_job_counts</c>.</summary>
    public static long CountFromCounts(SqliteConnection connection, JobFilter filter)
    {
        // mrq_job_counts names its columns as mrq_jobs does, so the filter's WHERE clause applies to it as is.
        var (where, bind) = SqliteJobFilter.Where(CountablePart(filter));
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(SUM(count), 0) FROM mrq_job_counts WHERE {where};";
        bind(command);
        Observer?.Invoke(command);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Chooses the walk for <paramref name="filter"/>; null when no job can match (the counts say none does, or no
    /// subqueue holds a job).
    /// </summary>
    public static SqliteJobWalk? Plan(SqliteConnection connection, JobFilter filter, bool hasParams)
    {
        var countable = CountablePart(filter);
        if (!countable.IsEmpty && CountFromCounts(connection, countable) == 0)
        {
            return null;
        }

        var present = Present(filter);
        if (hasParams)
        {
            present.Add("params");
        }

        bool Only(params string[] fields) => present.IsSubsetOf(fields);

        if (filter.Id is { } id)
        {
            return Walk([new Range("id = $r_0", null, id.ToByteArray())], Only("id"));
        }

        if (filter.ExceptionType is { } exceptionType)
        {
            var paths = filter.Path is { } path ? [path] : Names(connection, "SELECT path FROM mrq_job_counts GROUP BY path HAVING SUM(count) > 0", new JobFilter());
            if (paths.Count <= MaxRanges)
            {
                return Walk(
                    paths.Select(p => new Range("exceptiontype = $r_0 AND path = $r_1", "mrq_jobs_exceptions", exceptionType, p)).ToList(),
                    Only("exceptiontype", "path"));
            }
        }

        if (filter.Statuses is [JobStatus.Started])
        {
            // At most the workers' greenlets: the partial index is small, sorting it by rowid is cheap.
            return filter.Worker is { } worker
                ? Walk([new Range("status = 'started' AND worker = $r_0", "mrq_jobs_started", worker)], Only("statuses", "worker"))
                : Walk([new Range("status = 'started'", "mrq_jobs_started")], Only("statuses"));
        }

        if (filter.Queue is not null || filter.Path is not null)
        {
            // One range of mrq_jobs_queue_path per (queue, path) combination holding jobs: a queue's jobs over its task
            // paths, a path's over the queues that hold it, a family's over its subqueues; too many read the table.
            var pairs = Pairs(connection, new JobFilter { Queue = filter.Queue, Path = filter.Path });
            if (pairs.Count == 0)
            {
                return null;
            }

            if (pairs.Count <= MaxRanges)
            {
                return Walk(
                    pairs.Select(p => new Range("queue = $r_0 AND path = $r_1", "mrq_jobs_queue_path", p.Queue, p.Path)).ToList(),
                    Only("queue", "path"));
            }
        }

        return Walk([new Range("1 = 1", null)], present.Count == 0);

        SqliteJobWalk Walk(List<Range> ranges, bool covered) => new(connection, filter, ranges, covered);
    }

    /// <summary>
    /// Starts the walk: rows below rowid <paramref name="before"/> (null: from the newest), at most
    /// <paramref name="rowLimit"/> per range, each with rowid, the filter's verdict and <paramref name="columns"/>.
    /// </summary>
    public void Open(string columns, long? before, long rowLimit)
    {
        var (where, bind) = SqliteJobFilter.Where(_filter);
        foreach (var range in _ranges)
        {
            var command = _connection.CreateCommand();
            _commands.Add(command);
            var indexed = range.Index is null ? "" : " INDEXED BY " + range.Index;
            var below = before is null ? "" : " AND rowid < $before";
            command.CommandText =
                $"SELECT rowid, CASE WHEN {where} THEN 1 ELSE 0 END AS m, {columns} FROM mrq_jobs{indexed} WHERE {range.Seek}{below} ORDER BY rowid DESC LIMIT $rows;";
            bind(command);
            for (var i = 0; i < range.Values.Length; i++)
            {
                command.Parameters.AddWithValue("$r_" + i, range.Values[i]);
            }

            if (before is { } rowid)
            {
                command.Parameters.AddWithValue("$before", rowid);
            }

            command.Parameters.AddWithValue("$rows", rowLimit);
            Observer?.Invoke(command);
            var reader = command.ExecuteReader();
            _readers.Add(reader);
            _hasRow.Add(reader.Read());
        }

        PickCurrent();
    }

    /// <summary>Consumes <see cref="Current"/> and moves to the next row, newest first across the ranges.</summary>
    public void Advance()
    {
        if (Current is { } current)
        {
            var i = _readers.IndexOf(current);
            _hasRow[i] = current.Read();
            PickCurrent();
        }
    }

    public void Dispose()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }

        foreach (var command in _commands)
        {
            command.Dispose();
        }
    }

    private void PickCurrent()
    {
        Current = null;
        var best = long.MinValue;
        for (var i = 0; i < _readers.Count; i++)
        {
            if (_hasRow[i] && _readers[i].GetInt64(0) is var rowid && rowid > best)
            {
                best = rowid;
                Current = _readers[i];
            }
        }
    }

    private static JobFilter CountablePart(JobFilter filter) => new()
    {
        Queue = filter.Queue,
        Path = filter.Path,
        RawQueue = filter.RawQueue,
        Statuses = filter.Statuses,
    };

    private static HashSet<string> Present(JobFilter filter)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        void Add(bool isSet, string name)
        {
            if (isSet)
            {
                present.Add(name);
            }
        }

        Add(filter.Id is not null, "id");
        Add(filter.Queue is not null, "queue");
        Add(filter.Path is not null, "path");
        Add(filter.RawQueue is not null, "rawqueue");
        Add(filter.ExceptionType is not null, "exceptiontype");
        Add(filter.Worker is not null, "worker");
        Add(filter.Statuses is not null, "statuses");
        Add(filter.Params is not null, "params");
        return present;
    }

    /// <summary>Up to one more than <see cref="MaxRanges"/> names from <c>mrq_job_counts</c> (<c>{0}</c>: the filter's WHERE clause).</summary>
    private static List<string> Names(SqliteConnection connection, string sql, JobFilter filter)
    {
        var (where, bind) = SqliteJobFilter.Where(filter);
        using var command = connection.CreateCommand();
        command.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, where) + $" LIMIT {MaxRanges + 1};";
        bind(command);
        Observer?.Invoke(command);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Up to one more than <see cref="MaxRanges"/> (queue, path) combinations holding jobs that <paramref name="filter"/> selects.</summary>
    private static List<(string Queue, string Path)> Pairs(SqliteConnection connection, JobFilter filter)
    {
        var (where, bind) = SqliteJobFilter.Where(filter);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT queue, path FROM mrq_job_counts WHERE {where} GROUP BY queue, path HAVING SUM(count) > 0 LIMIT {MaxRanges + 1};";
        bind(command);
        Observer?.Invoke(command);
        using var reader = command.ExecuteReader();
        var pairs = new List<(string, string)>();
        while (reader.Read())
        {
            pairs.Add((reader.GetString(0), reader.GetString(1)));
        }

        return pairs;
    }

    /// <summary>One index range: its condition (parameters <c>$r_0</c>, <c>$r_1</c>, …) and the index that serves it.</summary>
    private sealed record Range(string Seek, string? Index, params object[] Values);
}
