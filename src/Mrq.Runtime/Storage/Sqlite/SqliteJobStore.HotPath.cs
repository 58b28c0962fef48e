using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// The worker's per-job statements, tuned from profiles (docs/benchmarks.md) and run through <see cref="SqliteStatement"/>
/// (SQLite's C API, parameters by number): the FIFO claim (a read in queue order, then an update per row by rowid), a
/// statement of its own for a plain successful outcome (none of the general statement's COALESCE/CASE/JSON history
/// expressions), the insert of whole job documents and of enqueued jobs; and the worker's combined calls that write
/// outcomes and claim (or insert) in one transaction. Measure with <c>bench/Mrq.Benchmarks</c> (<c>store-costs</c>,
/// <c>profile</c>).
/// </summary>
internal sealed partial class SqliteJobStore
{
    // Exactly what CompleteSql writes for an outcome that TakesSuccessPath accepts: status success, the result, expiry
    // and total time; exception, traceback and retry date cleared; queue, retry count, queued date and history kept;
    // progress set to 1 where it was set; and only while the job is still started by this worker.
    private const string CompleteSuccessSet =
        "UPDATE mrq_jobs SET status = 'success', dateupdated = ?2, result = ?3, exceptiontype = NULL, " +
        "traceback = NULL, dateexpires = ?4, totaltime = ?5, dateretry = NULL, " +
        "progress = CASE WHEN progress IS NOT NULL THEN 1.0 ELSE progress END ";

    private const string CompleteSuccessSql = CompleteSuccessSet + "WHERE id = ?1 AND status = 'started' AND worker = ?6;";

    // The same, for a job this store claimed (or inserted) and so knows the rowid of: the row is found without a search
    // of the id's index. The id stays in the condition, so a row replaced since (a new rowid) is left alone and the
    // statement by id runs instead.
    private const string CompleteSuccessByRowSql = CompleteSuccessSet + "WHERE rowid = ?7 AND id = ?1 AND status = 'started' AND worker = ?6;";

    // Status names as stored (and counted in mrq_job_counts) by the statements of this file.
    private const string QueuedName = "queued";
    private const string RetryName = "retry";
    private const string StartedName = "started";
    private const string SuccessName = "success";

    // The FIFO claim, inside the caller's BEGIN IMMEDIATE transaction: the rows are read in queue order (with their
    // rowids), then each is marked started by rowid. Nothing can change the queue in between (this connection holds the
    // file's write lock and the write gate), and every row read must be updated or the transaction is rolled back.
    // Updating by rowid costs a third of one UPDATE … WHERE id IN (subquery) at a batch of one, and less per row at any
    // batch (no second index walk, no id lookup through the primary-key index; docs/benchmarks.md).
    // The literal status = 'queued' (not a parameter) is what lets SQLite use the partial index; INDEXED BY turns a
    // plan that cannot use it into a prepare error instead of a silent scan-and-sort of the whole queue.
    internal const string ClaimSelectSql =
        "SELECT rowid, id, path, params, retry_count, datequeued, traceparent, tracestate, raw_queue " +
        "FROM mrq_jobs INDEXED BY mrq_jobs_dequeue WHERE queue = ?1 AND status = 'queued' ORDER BY datequeued, id LIMIT ?2;";

    internal const string ClaimRowSql =
        "UPDATE mrq_jobs SET status = 'started', datestarted = ?2, worker = ?3, dateexpires = NULL " +
        "WHERE rowid = ?1 AND status = 'queued';";

    private const string EnqueueSql =
        "INSERT INTO mrq_jobs (id, path, queue, status, params, datequeued, retry_count, traceparent, tracestate) " +
        "VALUES (?1, ?2, ?3, 'queued', ?4, ?5, 0, ?6, ?7);";

    private const string EnqueueDelayedSql =
        "INSERT INTO mrq_jobs (id, path, queue, status, params, datequeued, retry_count, traceparent, tracestate, dateretry) " +
        "VALUES (?1, ?2, ?3, 'retry', ?4, ?5, 0, ?6, ?7, ?8);";

    private const string DocumentColumns =
        "(id, path, queue, status, params, result, exceptiontype, traceback, datequeued, " +
        "datestarted, dateupdated, dateexpires, worker, retry_count, totaltime, raw_queue, traceback_history, dateretry, progress) " +
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

    // A document is usually new (a raw job's first stored status): inserted without looking for an old row first. Only
    // when the id exists is the old row's combination read (for mrq_job_counts) and the row replaced.
    private const string InsertNewDocumentSql = "INSERT INTO mrq_jobs " + DocumentColumns + " ON CONFLICT (id) DO NOTHING;";

    private const string InsertDocumentSql = "INSERT OR REPLACE INTO mrq_jobs " + DocumentColumns + ";";

    // Writer connection, used only inside _writes' transactions (prepared in the constructor by PrepareHotPath).
    private SqliteStatement _claimSelect = null!;
    private SqliteStatement _claimRow = null!;
    private SqliteStatement _completeSuccess = null!;
    private SqliteStatement _completeSuccessByRow = null!;
    private SqliteStatement _enqueue = null!;
    private SqliteStatement _enqueueDelayed = null!;
    private SqliteStatement _insertDocument = null!;
    private SqliteStatement _insertNewDocument = null!;
    private readonly List<long> _claimedRows = [];
    private readonly List<string> _claimedRawQueues = [];

    /// <inheritdoc/>
    public ValueTask<int> CompleteAndClaimAsync(ReadOnlyMemory<JobOutcome> outcomes, string queue, int max, string workerId, ClaimOptions options, List<ClaimedJob> into, CancellationToken cancellationToken = default) =>
        CompleteAndClaimCoreAsync(outcomes, queue, max, null, workerId, options, into, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<int> CompleteAndClaimAsync(ReadOnlyMemory<JobOutcome> outcomes, string queue, int max, IClaimRecount recount, string workerId, ClaimOptions options, List<ClaimedJob> into, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recount);
        return CompleteAndClaimCoreAsync(outcomes, queue, max, recount, workerId, options, into, cancellationToken);
    }

    private async ValueTask<int> CompleteAndClaimCoreAsync(ReadOnlyMemory<JobOutcome> outcomes, string queue, int max, IClaimRecount? recount, string workerId, ClaimOptions options, List<ClaimedJob> into, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(workerId);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(into);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return await InWriteTransactionAsync(
            (Outcomes: outcomes, Queue: queue, Max: max, Recount: recount, WorkerId: workerId, Options: options, Into: into),
            static (store, a) =>
            {
                store.WriteOutcomes(a.Outcomes.Span);

                // Counted here, with the file's write lock held: another process may have held it for milliseconds,
                // in which the worker's jobs ended and freed slots this claim can fill.
                var max = a.Recount is null ? a.Max : Math.Max(a.Max, a.Recount.Recount(a.Max));
                return store.ClaimRows(a.Queue, max, a.WorkerId, a.Options, a.Into);
            },
            into,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAndInsertAsync(ReadOnlyMemory<JobOutcome> outcomes, ReadOnlyMemory<JobInfo> documents, CancellationToken cancellationToken = default)
    {
        if (outcomes.IsEmpty && documents.IsEmpty)
        {
            return;
        }

        await InWriteTransactionAsync(
            (Outcomes: outcomes, Documents: documents),
            static (store, a) =>
            {
                store.WriteOutcomes(a.Outcomes.Span);
                store.InsertDocuments(a.Documents.Span);
            },
            null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Claims up to <paramref name="max"/> queued jobs of <paramref name="queue"/>, oldest first, inside the open
    /// transaction; on failure <paramref name="into"/> is left as it was and the caller rolls back.
    /// </summary>
    private int ClaimFifoRows(string queue, int max, string workerId, List<ClaimedJob> into)
    {
        var now = SqliteDates.ToUnixMilliseconds(DateTime.UtcNow);
        var dateStarted = SqliteDates.FromUnixMilliseconds(now);
        var first = into.Count;
        _claimedRows.Clear();
        _claimedRawQueues.Clear();
        try
        {
            _claimSelect.Bind(1, queue);
            _claimSelect.Bind(2, max);
            while (_claimSelect.Read())
            {
                _claimedRows.Add(_claimSelect.GetInt64(0));
                _claimedRawQueues.Add(_counts.Text(_claimSelect.GetBlob(8)));
                var id = _claimSelect.GetBlob(1);
                if (id.Length != JobId.Size)
                {
                    throw new InvalidDataException("A job id in the store is not 12 bytes long.");
                }

                into.Add(new ClaimedJob(
                    new JobId(id),
                    _counts.Text(_claimSelect.GetBlob(2)),
                    queue,
                    _claimSelect.GetBlob(3).ToArray(),
                    _claimSelect.GetInt32(4),
                    SqliteDates.FromUnixMilliseconds(_claimSelect.GetInt64(5)),
                    dateStarted,
                    TraceParent: _claimSelect.GetStringOrNull(6),
                    TraceState: _claimSelect.GetStringOrNull(7)));
            }

            _claimRow.Bind(2, now);
            _claimRow.Bind(3, workerId);
            foreach (var row in _claimedRows)
            {
                _claimRow.Bind(1, row);
                if (_claimRow.Execute() != 1)
                {
                    throw new InvalidOperationException("A claim read a queued job that was no longer queued when marked started; rolled back.");
                }
            }

            for (var i = first; i < into.Count; i++)
            {
                var key = new SqliteJobCounts.Key(queue, into[i].Path, _claimedRawQueues[i - first], StartedName);
                _counts.Add(key.With(QueuedName), -1);
                _counts.Add(key, 1);
                _counts.RememberStarted(into[i].Id, key, _claimedRows[i - first]);
            }

            return into.Count - first;
        }
        catch
        {
            _claimSelect.Reset();
            into.RemoveRange(first, into.Count - first);
            throw;
        }
    }

    /// <summary>A plain success posted by a worker, with nothing else to write (no logs, no retry fields).</summary>
    private static bool TakesSuccessPath(in JobOutcome outcome) =>
        outcome.Status == JobStatus.Success && outcome.Worker is not null && outcome.Document is null &&
        outcome.ExceptionType is null && outcome.Traceback is null && outcome.OriginalTraceback is null &&
        outcome.Queue is null && outcome.RetryCount is null && outcome.DateRetry is null && outcome.DateQueued is null &&
        outcome.Logs is not { Length: > 0 };

    /// <summary>Writes <paramref name="outcome"/> with the success statement when it qualifies; false otherwise.</summary>
    private bool TryCompleteSuccess(in JobOutcome outcome)
    {
        if (!TakesSuccessPath(outcome))
        {
            return false;
        }

        Span<byte> id = stackalloc byte[JobId.Size];
        outcome.Id.WriteBytes(id);
        var remembered = _counts.TryTakeStarted(outcome.Id, out var key, out var row);
        if (remembered && row != 0)
        {
            _completeSuccessByRow.Bind(7, row);
            if (ExecuteSuccess(_completeSuccessByRow, outcome, id) == 1)
            {
                // The job was started (the statement's condition) and is now a success, in the same queue.
                MoveToSuccess(key);
                return true;
            }

            // Not this row any more (replaced since, or no longer this worker's job): what was remembered is stale.
            remembered = false;
        }

        if (ExecuteSuccess(_completeSuccess, outcome, id) != 1)
        {
            return true;
        }

        if (!remembered)
        {
            if (!_counts.TryReadKey(id, out var stored))
            {
                return true;
            }

            // Read after the update: the row says success, and the statement's condition says it was started.
            key = stored.With(StartedName);
        }

        MoveToSuccess(key);
        return true;
    }

    private static int ExecuteSuccess(SqliteStatement statement, in JobOutcome outcome, ReadOnlySpan<byte> id)
    {
        statement.Bind(1, id);
        statement.Bind(2, SqliteDates.ToUnixMilliseconds(outcome.DateUpdated));
        statement.BindBlobOrNull(3, outcome.Result);
        statement.Bind(4, outcome.DateExpires is { } expires ? SqliteDates.ToUnixMilliseconds(expires) : null);
        statement.Bind(5, outcome.TotalTime);
        statement.Bind(6, outcome.Worker);
        return statement.Execute();
    }

    /// <summary>Counts a started job of <paramref name="started"/>'s combination as a success.</summary>
    private void MoveToSuccess(in SqliteJobCounts.Key started)
    {
        _counts.Add(started, -1);
        _counts.Add(started.With(SuccessName), 1);
    }

    /// <summary>Inserts queued jobs inside the open transaction.</summary>
    private void EnqueueRows(ReadOnlySpan<NewJob> jobs)
    {
        Span<byte> id = stackalloc byte[JobId.Size];
        foreach (ref readonly var job in jobs)
        {
            ArgumentException.ThrowIfNullOrEmpty(job.Path, nameof(jobs));
            ArgumentException.ThrowIfNullOrEmpty(job.Queue, nameof(jobs));
            job.Id.WriteBytes(id);
            var statement = job.DateRetry is null ? _enqueue : _enqueueDelayed;
            statement.Bind(1, id);
            statement.Bind(2, job.Path);
            statement.Bind(3, job.Queue);
            statement.Bind(4, job.Params.Span);
            statement.Bind(5, SqliteDates.ToUnixMilliseconds(job.DateQueued));
            statement.Bind(6, job.TraceParent);
            statement.Bind(7, job.TraceState);
            if (job.DateRetry is { } dateRetry)
            {
                statement.Bind(8, SqliteDates.ToUnixMilliseconds(dateRetry));
            }

            statement.Execute();
            _counts.Add(job.Queue, job.Path, null, job.DateRetry is null ? QueuedName : RetryName, 1);
        }
    }

    /// <summary>Inserts (or replaces) a whole job document inside the open transaction.</summary>
    private void InsertDocument(JobInfo document)
    {
        ArgumentNullException.ThrowIfNull(document.Path, nameof(document));
        ArgumentNullException.ThrowIfNull(document.Queue, nameof(document));
        Span<byte> id = stackalloc byte[JobId.Size];
        document.Id.WriteBytes(id);
        var status = document.Status.ToName();
        var inserted = ExecuteInsert(_insertNewDocument, document, id, status);
        if (!inserted)
        {
            if (_counts.TryReadKey(id, out var replaced))
            {
                _counts.Add(replaced, -1);
            }

            ExecuteInsert(_insertDocument, document, id, status);
        }

        var key = new SqliteJobCounts.Key(document.Queue, document.Path, document.RawQueue ?? "", status);
        _counts.Add(key, 1);
        if (document.Status == JobStatus.Started)
        {
            // A raw job's worker completes it next: its success then needs no read (see SqliteJobCounts).
            _counts.RememberStarted(document.Id, key, inserted ? _insertNewDocument.LastInsertRowId : 0);
        }
    }

    /// <summary>Runs an insert of <paramref name="document"/>; true when it wrote a row.</summary>
    private static bool ExecuteInsert(SqliteStatement statement, JobInfo document, ReadOnlySpan<byte> id, string status)
    {
        statement.Bind(1, id);
        statement.Bind(2, document.Path);
        statement.Bind(3, document.Queue);
        statement.Bind(4, status);
        statement.Bind(5, document.Params.Span);
        statement.BindBlobOrNull(6, document.Result);
        statement.Bind(7, document.ExceptionType);
        statement.Bind(8, document.Traceback);
        statement.Bind(9, SqliteDates.ToUnixMilliseconds(document.DateQueued ?? document.DateStarted ?? DateTime.UtcNow));
        statement.Bind(10, UnixMillisecondsOrNull(document.DateStarted));
        statement.Bind(11, UnixMillisecondsOrNull(document.DateUpdated));
        statement.Bind(12, UnixMillisecondsOrNull(document.DateExpires));
        statement.Bind(13, document.Worker);
        statement.Bind(14, document.RetryCount);
        statement.Bind(15, document.TotalTime);
        statement.Bind(16, document.RawQueue);
        statement.Bind(17, document.TracebackHistory.Count == 0 ? null : SqliteTracebackHistory.ToJson(document.TracebackHistory));
        statement.Bind(18, UnixMillisecondsOrNull(document.DateRetry));
        statement.Bind(19, document.Progress);
        return statement.Execute() == 1;
    }

    private static long? UnixMillisecondsOrNull(DateTime? date) => date is { } value ? SqliteDates.ToUnixMilliseconds(value) : null;

    /// <summary>Prepares the statements above on the writer connection (from the constructor, after migrating).</summary>
    private void PrepareHotPath()
    {
        _claimSelect = new SqliteStatement(_writer, ClaimSelectSql);
        _claimRow = new SqliteStatement(_writer, ClaimRowSql);
        _completeSuccess = new SqliteStatement(_writer, CompleteSuccessSql);
        _completeSuccessByRow = new SqliteStatement(_writer, CompleteSuccessByRowSql);
        _enqueue = new SqliteStatement(_writer, EnqueueSql);
        _enqueueDelayed = new SqliteStatement(_writer, EnqueueDelayedSql);
        _insertDocument = new SqliteStatement(_writer, InsertDocumentSql);
        _insertNewDocument = new SqliteStatement(_writer, InsertNewDocumentSql);
    }

    /// <summary>Finalizes the statements above (from DisposeAsync or a failed constructor, before the connection closes).</summary>
    private void DisposeHotPath()
    {
        _claimSelect?.Dispose();
        _claimRow?.Dispose();
        _completeSuccess?.Dispose();
        _completeSuccessByRow?.Dispose();
        _enqueue?.Dispose();
        _enqueueDelayed?.Dispose();
        _insertDocument?.Dispose();
        _insertNewDocument?.Dispose();
    }
}
