using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>The store's core calls: enqueue, claim, complete, insert, get and count.</summary>
internal sealed partial class SqliteJobStore
{
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
        if (!ClaimOptions.Fifo.CanClaim(queue, max, workerId, into))
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
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
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
            _readGate.Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountAsync(string queue, JobStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _countQueue.Value = queue;
            _countStatus.Value = status.ToName();
            return (long)_count.ExecuteScalar()!;
        }
        finally
        {
            _readGate.Exit();
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
                _counts.RememberStarted(into[^1].Id, key, 0);
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
            into.Sort(first, count, newestFirst ? SqliteFifoOrder.Reversed : SqliteFifoOrder.Instance);
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

}
