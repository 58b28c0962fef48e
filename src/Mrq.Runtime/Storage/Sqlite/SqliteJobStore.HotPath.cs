using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// The worker's per-job statements, tuned from profiles (docs/benchmarks.md): the FIFO claim (a read in queue order,
/// then the update, in one write transaction), a statement of its own for a plain successful outcome (6 bound values
/// instead of the general statement's 14, none of its COALESCE/CASE/JSON history expressions), and positional
/// parameters for inserted job documents. Measure with <c>bench/Mrq.Benchmarks</c> (<c>store-costs</c>, <c>profile</c>).
/// </summary>
internal sealed partial class SqliteJobStore
{
    // Exactly what CompleteSql writes for an outcome that TakesSuccessPath accepts: status success, the result, expiry
    // and total time; exception, traceback and retry date cleared; queue, retry count, queued date and history kept;
    // progress set to 1 where it was set; and only while the job is still started by this worker.
    private const string CompleteSuccessSql =
        "UPDATE mrq_jobs SET status = 'success', dateupdated = $dateupdated, result = $result, exceptiontype = NULL, " +
        "traceback = NULL, dateexpires = $dateexpires, totaltime = $totaltime, dateretry = NULL, " +
        "progress = CASE WHEN progress IS NOT NULL THEN 1.0 ELSE progress END " +
        "WHERE id = $id AND status = 'started' AND worker = $worker;";

    // The FIFO claim, inside the caller's BEGIN IMMEDIATE transaction: the rows are read in queue order (with their
    // rowids), then each is marked started by rowid. Nothing can change the queue in between (this connection holds the
    // file's write lock and the write gate), and every row read must be updated or the transaction is rolled back.
    // Updating by rowid costs a third of one UPDATE … WHERE id IN (subquery) at a batch of one, and less per row at any
    // batch (no second index walk, no id lookup through the primary-key index; docs/benchmarks.md).
    // The literal status = 'queued' (not a parameter) is what lets SQLite use the partial index; INDEXED BY turns a
    // plan that cannot use it into a prepare error instead of a silent scan-and-sort of the whole queue.
    internal const string ClaimSelectSql =
        "SELECT rowid, id, path, params, retry_count, datequeued " +
        "FROM mrq_jobs INDEXED BY mrq_jobs_dequeue WHERE queue = $queue AND status = 'queued' ORDER BY datequeued, id LIMIT $max;";

    internal const string ClaimRowSql =
        "UPDATE mrq_jobs SET status = 'started', datestarted = $now, worker = $worker, dateexpires = NULL " +
        "WHERE rowid = $rowid AND status = 'queued';";

    // Writer connection, used only under _writeGate; prepared on first use.
    private SqliteCommand? _claimSelect;
    private SqliteParameter _claimSelectQueue = null!;
    private SqliteParameter _claimSelectMax = null!;
    private SqliteCommand? _claimRow;
    private SqliteParameter _claimRowId = null!;
    private SqliteParameter _claimRowNow = null!;
    private SqliteParameter _claimRowWorker = null!;
    private readonly List<long> _claimedRows = [];
    private SqliteCommand? _completeSuccess;
    private SqliteParameter _successDateUpdated = null!;
    private SqliteParameter _successResult = null!;
    private SqliteParameter _successDateExpires = null!;
    private SqliteParameter _successTotalTime = null!;
    private SqliteParameter _successWorker = null!;
    private SqliteParameter[]? _documentParameters;

    /// <summary>
    /// Claims up to <paramref name="max"/> queued jobs of <paramref name="queue"/>, oldest first, inside the open
    /// transaction; on failure <paramref name="into"/> is left as it was and the caller rolls back.
    /// </summary>
    private int ClaimFifoRows(string queue, int max, string workerId, List<ClaimedJob> into)
    {
        if (_claimSelect is null)
        {
            PrepareClaim();
        }

        var now = SqliteDates.ToUnixMilliseconds(DateTime.UtcNow);
        var dateStarted = SqliteDates.FromUnixMilliseconds(now);
        _claimSelectQueue.Value = queue;
        _claimSelectMax.Value = max;
        _claimRowNow.Value = now;
        _claimRowWorker.Value = workerId;

        var first = into.Count;
        _claimedRows.Clear();
        try
        {
            using (var reader = _claimSelect!.ExecuteReader())
            {
                while (reader.Read())
                {
                    _claimedRows.Add(reader.GetInt64(0));
                    var id = reader.GetFieldValue<byte[]>(1);
                    if (id.Length != JobId.Size)
                    {
                        throw new InvalidDataException("A job id in the store is not 12 bytes long.");
                    }

                    into.Add(new ClaimedJob(
                        new JobId(id),
                        reader.GetString(2),
                        queue,
                        reader.GetFieldValue<byte[]>(3),
                        reader.GetInt32(4),
                        SqliteDates.FromUnixMilliseconds(reader.GetInt64(5)),
                        dateStarted));
                }
            }

            foreach (var row in _claimedRows)
            {
                _claimRowId.Value = row;
                if (_claimRow!.ExecuteNonQuery() != 1)
                {
                    throw new InvalidOperationException("A claim read a queued job that was no longer queued when marked started; rolled back.");
                }
            }

            return into.Count - first;
        }
        catch
        {
            into.RemoveRange(first, into.Count - first);
            throw;
        }
    }

    private void PrepareClaim()
    {
        var select = _writer.CreateCommand();
        var update = _writer.CreateCommand();
        try
        {
            select.CommandText = ClaimSelectSql;
            _claimSelectQueue = select.Parameters.Add("$queue", SqliteType.Text);
            _claimSelectMax = select.Parameters.Add("$max", SqliteType.Integer);
            select.Prepare();

            update.CommandText = ClaimRowSql;
            _claimRowId = update.Parameters.Add("$rowid", SqliteType.Integer);
            _claimRowNow = update.Parameters.Add("$now", SqliteType.Integer);
            _claimRowWorker = update.Parameters.Add("$worker", SqliteType.Text);
            update.Prepare();
        }
        catch
        {
            select.Dispose();
            update.Dispose();
            throw;
        }

        _claimSelect = select;
        _claimRow = update;
    }

    /// <inheritdoc/>
    public async ValueTask<int> CompleteAndClaimAsync(ReadOnlyMemory<JobOutcome> outcomes, string queue, int max, string workerId, ClaimOptions options, List<ClaimedJob> into, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(workerId);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(into);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        await EnterAsync(_writeGate, cancellationToken).ConfigureAwait(false);
        try
        {
            var first = into.Count;
            _begin.ExecuteNonQuery();
            try
            {
                WriteOutcomes(outcomes.Span);
                var claimed = ClaimRows(queue, max, workerId, options, into);
                _commit.ExecuteNonQuery();
                return claimed;
            }
            catch
            {
                into.RemoveRange(first, into.Count - first);
                SqliteSchema.TryRollback(_writer);
                throw;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAndInsertAsync(ReadOnlyMemory<JobOutcome> outcomes, ReadOnlyMemory<JobInfo> documents, CancellationToken cancellationToken = default)
    {
        if (outcomes.IsEmpty && documents.IsEmpty)
        {
            return;
        }

        await EnterAsync(_writeGate, cancellationToken).ConfigureAwait(false);
        try
        {
            _begin.ExecuteNonQuery();
            try
            {
                WriteOutcomes(outcomes.Span);
                InsertDocuments(documents.Span);
                _commit.ExecuteNonQuery();
            }
            catch
            {
                SqliteSchema.TryRollback(_writer);
                throw;
            }
        }
        finally
        {
            _writeGate.Release();
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

        var command = _completeSuccess ??= PrepareCompleteSuccess();
        outcome.Id.WriteBytes(_writerId);
        _successDateUpdated.Value = SqliteDates.ToUnixMilliseconds(outcome.DateUpdated);
        if (outcome.Result is { } result)
        {
            BindBlob(_successResult, result);
        }
        else
        {
            _successResult.Value = DBNull.Value;
        }

        _successDateExpires.Value = outcome.DateExpires is { } expires ? SqliteDates.ToUnixMilliseconds(expires) : DBNull.Value;
        _successTotalTime.Value = outcome.TotalTime is { } totalTime ? totalTime : DBNull.Value;
        _successWorker.Value = outcome.Worker;
        command.ExecuteNonQuery();
        return true;
    }

    private SqliteCommand PrepareCompleteSuccess()
    {
        var command = _writer.CreateCommand();
        try
        {
            command.CommandText = CompleteSuccessSql;
            command.Parameters.Add("$id", SqliteType.Blob).Value = _writerId;
            _successDateUpdated = command.Parameters.Add("$dateupdated", SqliteType.Integer);
            _successResult = command.Parameters.Add("$result", SqliteType.Blob);
            _successDateExpires = command.Parameters.Add("$dateexpires", SqliteType.Integer);
            _successTotalTime = command.Parameters.Add("$totaltime", SqliteType.Real);
            _successWorker = command.Parameters.Add("$worker", SqliteType.Text);
            command.Prepare();
            return command;
        }
        catch
        {
            command.Dispose();
            throw;
        }
    }

    /// <summary>The insert-document statement's parameters by position (<see cref="s_documentColumns"/> order).</summary>
    private SqliteParameter[] DocumentParameters()
    {
        if (_documentParameters is { } cached)
        {
            return cached;
        }

        var parameters = new SqliteParameter[s_documentColumns.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = _insertDocument.Parameters[s_documentColumns[i].Name];
        }

        return _documentParameters = parameters;
    }

    /// <summary>Disposes the statements prepared on first use (called from DisposeAsync under both gates).</summary>
    private void DisposeHotPath()
    {
        _claimSelect?.Dispose();
        _claimRow?.Dispose();
        _completeSuccess?.Dispose();
    }
}
