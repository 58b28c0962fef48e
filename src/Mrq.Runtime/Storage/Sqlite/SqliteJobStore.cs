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
/// connection and re-executed with re-bound parameters. A third connection checkpoints the WAL on a thread of its own,
/// woken by the writer's commits (<see cref="SqliteCheckpointer"/>).
/// </para>
/// <para>
/// Every write runs through <see cref="SqliteWriteTransactions"/> (the writer's gate, <c>BEGIN IMMEDIATE … COMMIT</c>,
/// rollback, and faults as one line naming the file), shared with the raw-queue broker of the same file. The partial
/// files split the store by concern: this one owns the connections; <c>.Jobs</c> the core calls (enqueue, claim,
/// complete, get, count), <c>.HotPath</c> the worker's per-job statements, <c>.Claims</c> the filtered claims,
/// <c>.Lifecycle</c> cancel/requeue/retries/purge/logs, <c>.Scheduler</c>, <c>.Workers</c> and <c>.Queries</c> (the
/// dashboard's reads).
/// </para>
/// <para>
/// Enqueue inserts in transactions of <see cref="EnqueueChunkSize"/> jobs, releasing the write lock between chunks so
/// workers keep claiming during a large enqueue. A chunk is all-or-nothing; if a call fails, earlier chunks stay.
/// </para>
/// </remarks>
internal sealed partial class SqliteJobStore : IJobStore, IRecountingJobQueue
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

    private readonly SqliteConnection _writer;
    private readonly SqliteConnection _reader;
    private readonly SqliteCheckpointer _checkpointer;
    private readonly SqliteGate _readGate = new(typeof(SqliteJobStore).FullName!);

    // Writer connection, used only inside _writes' transactions.
    private readonly SqliteWriteTransactions _writes;
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

    private SqliteJobStore(string fullPath)
    {
        FilePath = fullPath;
        _writer = SqliteSchema.OpenConnection(fullPath, readOnly: false);
        try
        {
            SqliteSchema.Migrate(_writer);
            _reader = SqliteSchema.OpenConnection(fullPath, readOnly: true);

            // The WAL is checkpointed on a thread of its own; the writer's own checkpoint only bounds the WAL.
            _checkpointer = SqliteCheckpointer.ForWriter(_writer, fullPath);
            _writes = new SqliteWriteTransactions(_writer, fullPath, new SqliteGate(typeof(SqliteJobStore).FullName!), _checkpointer);

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
            _complete?.Dispose();
            _insertLogs?.Dispose();
            _get?.Dispose();
            _count?.Dispose();
            _writes?.DisposeStatements();
            _checkpointer?.Dispose();
            _reader?.Dispose();
            _writer.Dispose();
            throw;
        }
    }

    /// <summary>The full path of the store's file.</summary>
    public string FilePath { get; }

    /// <summary>The writer's connection, for the benchmarks' per-connection PRAGMA experiments only.</summary>
    internal SqliteConnection WriterConnection => _writer;

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

    /// <summary>
    /// Waits for calls in flight, then closes both connections, the reader first (the last connection to the file
    /// checkpoints the WAL into it). Later calls throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _readGate.CloseAsync(() =>
        {
            _get.Dispose();
            _count.Dispose();
            _reader.Dispose();
        }).ConfigureAwait(false);

        await _writes.Gate.CloseAsync(() =>
        {
            // No write is in flight now; the writer stays the file's last connection, which checkpoints it on closing.
            _checkpointer.Dispose();
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

            _writes.DisposeStatements();
            _complete.Dispose();
            DisposeHotPath();
            _counts.Dispose();
            _insertLogs.Dispose();
            _writer.Dispose();
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="body"/> in one write transaction (<see cref="SqliteWriteTransactions.RunAsync{TState, TResult}"/>).
    /// The jobs a failed transaction appended to <paramref name="claimed"/> are removed again, so no caller ever holds a
    /// claim that did not commit. The job counts the body reported are written just before the commit (or forgotten).
    /// </summary>
    private ValueTask<TResult> InWriteTransactionAsync<TState, TResult>(TState state, Func<SqliteJobStore, TState, TResult> body, List<ClaimedJob>? claimed, CancellationToken cancellationToken) =>
        _writes.RunAsync(
            (Store: this, State: state, Body: body, Claimed: claimed, First: claimed?.Count ?? 0),
            static s =>
            {
                var result = s.Body(s.Store, s.State);
                s.Store._counts.Flush();
                return result;
            },
            static s =>
            {
                s.Store._counts.Discard();
                s.Claimed?.RemoveRange(s.First, s.Claimed.Count - s.First);
            },
            cancellationToken);

    /// <inheritdoc cref="InWriteTransactionAsync{TState, TResult}"/>
    private ValueTask InWriteTransactionAsync<TState>(TState state, Action<SqliteJobStore, TState> body, List<ClaimedJob>? claimed, CancellationToken cancellationToken) =>
        _writes.RunAsync(
            (Store: this, State: state, Body: body, Claimed: claimed, First: claimed?.Count ?? 0),
            static s =>
            {
                s.Body(s.Store, s.State);
                s.Store._counts.Flush();
            },
            static s =>
            {
                s.Store._counts.Discard();
                s.Claimed?.RemoveRange(s.First, s.Claimed.Count - s.First);
            },
            cancellationToken);
}
