using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// The embedded job store: one SQLite file (WAL) that any number of worker and enqueuer processes share. The schema,
/// pragmas and date format are described on <see cref="SqliteSchema"/>.
/// </summary>
/// <remarks>
/// <para>
/// Connections: one writer connection (enqueue, claim, complete) guarded by an async gate, and one reader connection
/// (get, count) with its own gate, so reads never queue behind a large enqueue. Every statement is prepared once per
/// connection and re-executed with re-bound parameters.
/// </para>
/// <para>
/// Writes run as <c>BEGIN IMMEDIATE … COMMIT</c>: the write lock is taken before anything is read, so a transaction can
/// never fail to upgrade a stale read snapshot under WAL, and waiting for the lock is retried (see
/// <see cref="SqliteSchema"/>) rather than reported. Between processes SQLite's single write lock is what makes a
/// claim exclusive; within a process the writer gate serializes the one connection.
/// </para>
/// <para>
/// Enqueue inserts in transactions of <see cref="EnqueueChunkSize"/> jobs, releasing the write lock between chunks so
/// workers keep claiming during a large enqueue. A chunk is all-or-nothing; if a call fails, earlier chunks stay.
/// </para>
/// </remarks>
internal sealed partial class SqliteJobStore : IJobStore
{
    /// <summary>The file name used when none is configured, relative to the working directory.</summary>
    public const string DefaultFileName = "mrq.db";

    /// <summary>How many jobs one enqueue transaction inserts at most.</summary>
    public const int EnqueueChunkSize = 10_000;

    // $worker guards worker writes: a job cancelled or requeued while it ran keeps its new status. Failure-like
    // outcomes (those with an exception type) also append an entry to traceback_history.
    private const string CompleteSql =
        "UPDATE mrq_jobs SET status = $status, dateupdated = $dateupdated, result = $result, " +
        "exceptiontype = $exceptiontype, traceback = $traceback, dateexpires = $dateexpires, totaltime = $totaltime, " +
        "queue = COALESCE($queue, queue), retry_count = COALESCE($retry_count, retry_count), dateretry = $dateretry, " +
        "datequeued = COALESCE($datequeued, datequeued), " +
        "progress = CASE WHEN $status = 'success' AND progress IS NOT NULL THEN 1.0 ELSE progress END, " +
        "traceback_history = CASE WHEN $exceptiontype IS NULL THEN traceback_history ELSE " +
        "json_insert(COALESCE(traceback_history, '[]'), '$[#]', json_object('date', $dateupdated, 'status', $status, " +
        "'exceptiontype', $exceptiontype, 'traceback', $traceback, 'original_traceback', $original_traceback, 'worker', worker)) END " +
        "WHERE id = $id AND ($worker IS NULL OR (status = 'started' AND worker = $worker));";

    private const string InsertLogsSql = "INSERT INTO mrq_logs (job, logs) VALUES ($job, $logs);";

    // The columns ReadJob reads, in its order.
    private const string JobColumns =
        "path, queue, status, params, result, exceptiontype, traceback, datequeued, datestarted, dateupdated, " +
        "dateexpires, worker, retry_count, totaltime, raw_queue, dateretry, progress, traceback_history";

    private const string GetSql = "SELECT " + JobColumns + " FROM mrq_jobs WHERE id = $id;";

    // Queued jobs are counted in the small partial dequeue index (it needs the literal status); other statuses on the
    // rows of the queue. SQLite runs only the branch the CASE reaches.
    private const string CountSql =
        "SELECT CASE WHEN $status = 'queued' " +
        "THEN (SELECT COUNT(*) FROM mrq_jobs WHERE queue = $queue AND status = 'queued') " +
        "ELSE (SELECT COUNT(*) FROM mrq_jobs WHERE queue = $queue AND status = $status) END;";

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _readGate = new(1, 1);
    private readonly SqliteConnection _writer;
    private readonly SqliteConnection _reader;

    // Writer connection, used only under _writeGate.
    private readonly SqliteStatement _begin;
    private readonly SqliteStatement _commit;
    private readonly SqliteCommand _complete;
    private readonly SqliteParameter _completeId;
    private readonly SqliteParameter _completeStatus;
    private readonly SqliteParameter _completeDateUpdated;
    private readonly SqliteParameter _completeResult;
    private readonly SqliteParameter _completeExceptionType;
    private readonly SqliteParameter _completeTraceback;
    private readonly SqliteParameter _completeDateExpires;
    private readonly SqliteParameter _completeTotalTime;
    private readonly SqliteParameter _completeQueue;
    private readonly SqliteParameter _completeRetryCount;
    private readonly SqliteParameter _completeDateRetry;
    private readonly SqliteParameter _completeDateQueued;
    private readonly SqliteParameter _completeWorker;
    private readonly SqliteParameter _completeOriginal;
    private readonly SqliteCommand _insertLogs;
    private readonly SqliteParameter _insertLogsText;
    private readonly byte[] _writerId = new byte[JobId.Size];
    private readonly SqliteJobCounts _counts;

    // Reader connection, used only under _readGate.
    private readonly SqliteCommand _get;
    private readonly SqliteParameter _getId;
    private readonly SqliteCommand _count;
    private readonly SqliteParameter _countQueue;
    private readonly SqliteParameter _countStatus;
    private readonly byte[] _readerId = new byte[JobId.Size];

    private int _disposed;

    private SqliteJobStore(string fullPath)
    {
        FilePath = fullPath;
        _writer = SqliteSchema.OpenConnection(fullPath, readOnly: false);
        try
        {
            SqliteSchema.Migrate(_writer);
            _reader = SqliteSchema.OpenConnection(fullPath, readOnly: true);

            _begin = new SqliteStatement(_writer, "BEGIN IMMEDIATE;");
            _commit = new SqliteStatement(_writer, "COMMIT;");

            _complete = _writer.CreateCommand();
            _complete.CommandText = CompleteSql;
            _completeId = _complete.Parameters.Add("$id", SqliteType.Blob);
            _completeStatus = _complete.Parameters.Add("$status", SqliteType.Text);
            _completeDateUpdated = _complete.Parameters.Add("$dateupdated", SqliteType.Integer);
            _completeResult = _complete.Parameters.Add("$result", SqliteType.Blob);
            _completeExceptionType = _complete.Parameters.Add("$exceptiontype", SqliteType.Text);
            _completeTraceback = _complete.Parameters.Add("$traceback", SqliteType.Text);
            _completeDateExpires = _complete.Parameters.Add("$dateexpires", SqliteType.Integer);
            _completeTotalTime = _complete.Parameters.Add("$totaltime", SqliteType.Real);
            _completeQueue = _complete.Parameters.Add("$queue", SqliteType.Text);
            _completeRetryCount = _complete.Parameters.Add("$retry_count", SqliteType.Integer);
            _completeDateRetry = _complete.Parameters.Add("$dateretry", SqliteType.Integer);
            _completeDateQueued = _complete.Parameters.Add("$datequeued", SqliteType.Integer);
            _completeWorker = _complete.Parameters.Add("$worker", SqliteType.Text);
            _completeOriginal = _complete.Parameters.Add("$original_traceback", SqliteType.Text);
            _completeId.Value = _writerId;
            _complete.Prepare();

            _insertLogs = _writer.CreateCommand();
            _insertLogs.CommandText = InsertLogsSql;
            _insertLogs.Parameters.Add("$job", SqliteType.Blob).Value = _writerId;
            _insertLogsText = _insertLogs.Parameters.Add("$logs", SqliteType.Text);
            _insertLogs.Prepare();

            PrepareHotPath();
            _counts = new SqliteJobCounts(_writer);

            _get = _reader.CreateCommand();
            _get.CommandText = GetSql;
            _getId = _get.Parameters.Add("$id", SqliteType.Blob);
            _getId.Value = _readerId;
            _get.Prepare();

            _count = _reader.CreateCommand();
            _count.CommandText = CountSql;
            _countQueue = _count.Parameters.Add("$queue", SqliteType.Text);
            _countStatus = _count.Parameters.Add("$status", SqliteType.Text);
            _count.Prepare();
        }
        catch
        {
            DisposeHotPath();
            _counts?.Dispose();
            _begin?.Dispose();
            _commit?.Dispose();
            _reader?.Dispose();
            _writer.Dispose();
            throw;
        }
    }

    /// <summary>The full path of the store's file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Opens (creating if needed) the store in the file at <paramref name="path"/>, relative paths being resolved against
    /// the working directory; a missing directory is created. Callers usually pass <see cref="DefaultFileName"/> or
    /// the configured file.
    /// </summary>
    public static SqliteJobStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        return new SqliteJobStore(fullPath);
    }

    /// <inheritdoc/>
    public async ValueTask EnqueueAsync(ReadOnlyMemory<NewJob> jobs, CancellationToken cancellationToken = default)
    {
        for (var start = 0; start < jobs.Length; start += EnqueueChunkSize)
        {
            var chunk = jobs.Slice(start, Math.Min(EnqueueChunkSize, jobs.Length - start));
            await InWriteTransactionAsync(chunk, static (store, c) => store.EnqueueRows(c.Span), null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<int> ClaimAsync(string queue, int max, string workerId, List<ClaimedJob> into, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(workerId);
        ArgumentNullException.ThrowIfNull(into);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            return 0;
        }

        return await InWriteTransactionAsync(
            (Queue: queue, Max: max, WorkerId: workerId, Into: into),
            static (store, a) => store.ClaimFifoRows(a.Queue, a.Max, a.WorkerId, a.Into),
            into,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(ReadOnlyMemory<JobOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        if (outcomes.IsEmpty)
        {
            return;
        }

        await InWriteTransactionAsync(outcomes, static (store, o) => store.WriteOutcomes(o.Span), null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask InsertAsync(ReadOnlyMemory<JobInfo> documents, CancellationToken cancellationToken = default)
    {
        if (documents.IsEmpty)
        {
            return;
        }

        await InWriteTransactionAsync(documents, static (store, d) => store.InsertDocuments(d.Span), null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<JobInfo?> GetAsync(JobId id, CancellationToken cancellationToken = default)
    {
        await EnterAsync(_readGate, cancellationToken).ConfigureAwait(false);
        try
        {
            id.WriteBytes(_readerId);
            using var reader = _get.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            return ReadJob(reader, 0, id);
        }
        finally
        {
            _readGate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountAsync(string queue, JobStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await EnterAsync(_readGate, cancellationToken).ConfigureAwait(false);
        try
        {
            _countQueue.Value = queue;
            _countStatus.Value = status.ToName();
            return (long)_count.ExecuteScalar()!;
        }
        finally
        {
            _readGate.Release();
        }
    }

    /// <summary>Reads the <see cref="JobColumns"/> of the current row, starting at column <paramref name="first"/>.</summary>
    private static JobInfo ReadJob(SqliteDataReader reader, int first, JobId id) => new()
    {
        Id = id,
        Path = reader.GetString(first),
        Queue = reader.GetString(first + 1),
        Status = JobStatusNames.Parse(reader.GetString(first + 2)),
        Params = reader.GetFieldValue<byte[]>(first + 3),
        Result = reader.IsDBNull(first + 4) ? null : (ReadOnlyMemory<byte>?)reader.GetFieldValue<byte[]>(first + 4),
        ExceptionType = reader.IsDBNull(first + 5) ? null : reader.GetString(first + 5),
        Traceback = reader.IsDBNull(first + 6) ? null : reader.GetString(first + 6),
        DateQueued = ReadDate(reader, first + 7),
        DateStarted = ReadDate(reader, first + 8),
        DateUpdated = ReadDate(reader, first + 9),
        DateExpires = ReadDate(reader, first + 10),
        Worker = reader.IsDBNull(first + 11) ? null : reader.GetString(first + 11),
        RetryCount = reader.GetInt32(first + 12),
        TotalTime = reader.IsDBNull(first + 13) ? null : reader.GetDouble(first + 13),
        RawQueue = reader.IsDBNull(first + 14) ? null : reader.GetString(first + 14),
        DateRetry = ReadDate(reader, first + 15),
        Progress = reader.IsDBNull(first + 16) ? null : reader.GetDouble(first + 16),
        TracebackHistory = reader.IsDBNull(first + 17) ? [] : SqliteTracebackHistory.Parse(reader.GetString(first + 17)),
    };

    /// <summary>
    /// Waits for calls in flight, then closes both connections (the last connection to the file checkpoints the WAL
    /// into it). Later calls throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _writeGate.WaitAsync().ConfigureAwait(false);
        await _readGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _get.Dispose();
            _count.Dispose();
            _reader.Dispose();

            try
            {
                // Copies what it can of the WAL into the file without waiting for other processes' readers.
                using var checkpoint = _writer.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                checkpoint.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // Best effort: the WAL is checkpointed later by whoever writes or closes last.
            }

            _begin.Dispose();
            _commit.Dispose();
            _complete.Dispose();
            DisposeHotPath();
            _counts.Dispose();
            _insertLogs.Dispose();
            _writer.Dispose();
        }
        finally
        {
            // Callers queued on the gates wake up, see the store disposed and throw.
            _readGate.Release();
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Runs a bound claim statement inside the open transaction and appends the jobs in the order they were chosen; on
    /// failure <paramref name="into"/> is left as it was and the caller rolls back.
    /// </summary>
    private int ExecuteClaimRows(SqliteCommand claim, string queue, DateTime dateStarted, bool newestFirst, List<ClaimedJob> into)
    {
        var first = into.Count;
        try
        {
            using var reader = claim.ExecuteReader();
            while (reader.Read())
            {
                if (reader.GetBytes(0, 0, _writerId, 0, JobId.Size) != JobId.Size)
                {
                    throw new InvalidDataException("A job id in the store is not 12 bytes long.");
                }

                into.Add(new ClaimedJob(
                    new JobId(_writerId),
                    reader.GetString(1),
                    queue,
                    reader.GetFieldValue<byte[]>(2),
                    reader.GetInt32(3),
                    SqliteDates.FromUnixMilliseconds(reader.GetInt64(4)),
                    dateStarted,
                    TraceParent: reader.IsDBNull(5) ? null : reader.GetString(5),
                    TraceState: reader.IsDBNull(6) ? null : reader.GetString(6)));
                var key = new SqliteJobCounts.Key(queue, into[^1].Path, reader.IsDBNull(7) ? "" : reader.GetString(7), StartedName);
                _counts.Add(key.With(QueuedName), -1);
                _counts.Add(key, 1);
                _counts.RememberStarted(into[^1].Id, key);
            }
        }
        catch
        {
            into.RemoveRange(first, into.Count - first);
            throw;
        }

        // RETURNING yields rows in no particular order.
        var count = into.Count - first;
        if (count > 1)
        {
            into.Sort(first, count, newestFirst ? FifoOrder.Reversed : FifoOrder.Instance);
        }

        return count;
    }

    private void InsertDocuments(ReadOnlySpan<JobInfo> documents)
    {
        foreach (var document in documents)
        {
            InsertDocument(document);
        }
    }

    /// <summary>Writes outcomes inside the open transaction (the caller commits or rolls back).</summary>
    private void WriteOutcomes(ReadOnlySpan<JobOutcome> outcomes)
    {
        foreach (ref readonly var outcome in outcomes)
        {
            if (outcome.Document is { } document)
            {
                InsertDocument(document);
                if (outcome.Logs is { Length: > 0 } documentLogs)
                {
                    document.Id.WriteBytes(_writerId);
                    _insertLogsText.Value = documentLogs;
                    _insertLogs.ExecuteNonQuery();
                }

                continue;
            }

            if (TryCompleteSuccess(outcome))
            {
                continue;
            }

            outcome.Id.WriteBytes(_writerId);
            _counts.Forget(outcome.Id);
            var stored = _counts.TryReadKey(_writerId, out var before);
            _completeStatus.Value = outcome.Status.ToName();
            _completeDateUpdated.Value = SqliteDates.ToUnixMilliseconds(outcome.DateUpdated);
            if (outcome.Result is { } result)
            {
                BindBlob(_completeResult, result);
            }
            else
            {
                _completeResult.Value = DBNull.Value;
            }

            _completeExceptionType.Value = (object?)outcome.ExceptionType ?? DBNull.Value;
            _completeTraceback.Value = (object?)outcome.Traceback ?? DBNull.Value;
            _completeDateExpires.Value = outcome.DateExpires is { } expires ? SqliteDates.ToUnixMilliseconds(expires) : DBNull.Value;
            _completeTotalTime.Value = outcome.TotalTime is { } totalTime ? totalTime : DBNull.Value;
            _completeQueue.Value = (object?)outcome.Queue ?? DBNull.Value;
            _completeRetryCount.Value = outcome.RetryCount is { } retryCount ? retryCount : DBNull.Value;
            _completeDateRetry.Value = DateOrNull(outcome.DateRetry);
            _completeDateQueued.Value = DateOrNull(outcome.DateQueued);
            _completeWorker.Value = (object?)outcome.Worker ?? DBNull.Value;
            _completeOriginal.Value = (object?)outcome.OriginalTraceback ?? DBNull.Value;
            if (_complete.ExecuteNonQuery() == 1 && stored)
            {
                _counts.Add(before, -1);
                _counts.Add(before.With(outcome.Status.ToName(), outcome.Queue), 1);
            }

            if (outcome.Logs is { Length: > 0 } logs)
            {
                _insertLogsText.Value = logs;
                _insertLogs.ExecuteNonQuery();
            }
        }
    }

    private static object DateOrNull(DateTime? value) => value is { } date ? SqliteDates.ToUnixMilliseconds(date) : DBNull.Value;

    /// <summary>
    /// Runs <paramref name="body"/> in one write transaction under the write gate: <c>BEGIN IMMEDIATE</c> … <c>COMMIT</c>,
    /// rolled back if anything throws, commit included. The jobs a failed transaction appended to
    /// <paramref name="claimed"/> are removed again, so no caller ever holds a claim that did not commit.
    /// </summary>
    private async ValueTask<TResult> InWriteTransactionAsync<TState, TResult>(TState state, Func<SqliteJobStore, TState, TResult> body, List<ClaimedJob>? claimed, CancellationToken cancellationToken)
    {
        await EnterAsync(_writeGate, cancellationToken).ConfigureAwait(false);
        var first = claimed?.Count ?? 0;
        try
        {
            _begin.Execute();
            try
            {
                var result = body(this, state);
                _counts.Flush();
                _commit.Execute();
                return result;
            }
            catch
            {
                _counts.Discard();
                claimed?.RemoveRange(first, claimed.Count - first);
                SqliteSchema.TryRollback(_writer);
                throw;
            }
        }
        catch (Exception e) when (SqliteFaults.IsUnusable(e))
        {
            // A read-only file, a full disk, a lock held past the command timeout: one line naming the file.
            throw SqliteFaults.Unusable(FilePath, e);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc cref="InWriteTransactionAsync{TState, TResult}"/>
    private ValueTask InWriteTransactionAsync<TState>(TState state, Action<SqliteJobStore, TState> body, List<ClaimedJob>? claimed, CancellationToken cancellationToken)
    {
        var written = InWriteTransactionAsync(
            (State: state, Body: body),
            static (store, s) =>
            {
                s.Body(store, s.State);
                return true;
            },
            claimed,
            cancellationToken);
        return written.IsCompletedSuccessfully ? default : new ValueTask(written.AsTask());
    }

    private ValueTask EnterAsync(SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (gate.Wait(0))
        {
            return CheckEntered(gate);
        }

        return WaitAsync(gate, cancellationToken);

        async ValueTask WaitAsync(SemaphoreSlim gate, CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            await CheckEntered(gate).ConfigureAwait(false);
        }
    }

    // A call that got the gate after DisposeAsync released it must not touch the closed connections.
    private ValueTask CheckEntered(SemaphoreSlim gate)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            gate.Release();
            return ValueTask.FromException(new ObjectDisposedException(GetType().FullName));
        }

        return default;
    }

    // Binds without copying when the memory is the start of an array: Size limits the bytes bound. SQLite copies the
    // bytes at execution, so the caller's buffer is free again once the statement ran.
    private static void BindBlob(SqliteParameter parameter, ReadOnlyMemory<byte> value)
    {
        if (MemoryMarshal.TryGetArray(value, out var segment) && segment.Array is { } array && segment.Offset == 0)
        {
            parameter.Value = array;
            parameter.Size = segment.Count;
        }
        else
        {
            parameter.Value = value.ToArray();
            parameter.Size = -1;
        }
    }

    private static DateTime? ReadDate(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : SqliteDates.FromUnixMilliseconds(reader.GetInt64(ordinal));

    /// <summary>FIFO order of claimed jobs: datequeued, then id (the claim query's ORDER BY).</summary>
    private sealed class FifoOrder : IComparer<ClaimedJob>
    {
        public static readonly FifoOrder Instance = new(reversed: false);

        /// <summary>Newest first (LIFO claims).</summary>
        public static readonly FifoOrder Reversed = new(reversed: true);

        private readonly bool _reversed;

        private FifoOrder(bool reversed) => _reversed = reversed;

        public int Compare(ClaimedJob? x, ClaimedJob? y) => _reversed ? CompareFifo(y, x) : CompareFifo(x, y);

        private static int CompareFifo(ClaimedJob? x, ClaimedJob? y)
        {
            if (x is null || y is null)
            {
                return x is null ? (y is null ? 0 : -1) : 1;
            }

            var c = x.DateQueued.CompareTo(y.DateQueued);
            return c != 0 ? c : x.Id.CompareTo(y.Id);
        }
    }
}
