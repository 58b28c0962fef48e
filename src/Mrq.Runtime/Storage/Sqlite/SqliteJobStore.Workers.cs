using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>Worker reports and the recovery of jobs left <c>started</c> by dead workers.</summary>
internal sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    public async ValueTask ReportWorkerAsync(WorkerReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var json = SqliteWorkerReports.ToJson(report);
        await WriteAsync(
            "INSERT INTO mrq_workers (id, name, status, datestarted, datereported, report) " +
            "VALUES ($id, $name, $status, $datestarted, $datereported, $report) " +
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, status = excluded.status, " +
            "datestarted = excluded.datestarted, datereported = excluded.datereported, report = excluded.report;",
            command =>
            {
                command.Parameters.AddWithValue("$id", report.Id);
                command.Parameters.AddWithValue("$name", report.Name);
                command.Parameters.AddWithValue("$status", report.Status);
                command.Parameters.AddWithValue("$datestarted", SqliteDates.ToUnixMilliseconds(report.DateStarted));
                command.Parameters.AddWithValue("$datereported", SqliteDates.ToUnixMilliseconds(report.DateReported));
                command.Parameters.AddWithValue("$report", json);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<WorkerReport>> GetWorkersAsync(CancellationToken cancellationToken = default)
    {
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _reader.CreateCommand();
            command.CommandText = "SELECT report FROM mrq_workers ORDER BY datestarted, id;";
            using var reader = command.ExecuteReader();
            var reports = new List<WorkerReport>();
            while (reader.Read())
            {
                reports.Add(SqliteWorkerReports.FromJson(reader.GetString(0)));
            }

            return reports;
        }
        finally
        {
            _readGate.Exit();
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> DeleteWorkersReportedBeforeAsync(DateTime before, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "DELETE FROM mrq_workers WHERE datereported < $before;",
            command => command.Parameters.AddWithValue("$before", SqliteDates.ToUnixMilliseconds(before)),
            cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<StartedJob>> GetStartedJobsAsync(CancellationToken cancellationToken = default)
    {
        await _readGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _reader.CreateCommand();

            // The literal status lets SQLite use the small partial index mrq_jobs_started.
            command.CommandText = "SELECT id, path, worker, datestarted FROM mrq_jobs INDEXED BY mrq_jobs_started WHERE status = 'started';";
            using var reader = command.ExecuteReader();
            var jobs = new List<StartedJob>();
            while (reader.Read())
            {
                jobs.Add(new StartedJob(
                    new JobId(reader.GetFieldValue<byte[]>(0)),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : SqliteDates.FromUnixMilliseconds(reader.GetInt64(3))));
            }

            return jobs;
        }
        finally
        {
            _readGate.Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> RequeueStartedAsync(IReadOnlyList<StartedJob> jobs, DateTime now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
        {
            return 0;
        }

        var refilled = new HashSet<string>(StringComparer.Ordinal);
        var total = await InWriteTransactionAsync(
            (Jobs: jobs, Now: now, Refilled: refilled),
            static (store, a) =>
            {
                using var command = store._writer.CreateCommand();
                command.CommandText =
                    "UPDATE mrq_jobs SET status = 'queued', datequeued = COALESCE($datequeued, $now), dateupdated = $now, dateexpires = NULL " +
                    "WHERE id = $id AND status = 'started' AND worker IS $worker;";
                command.Parameters.AddWithValue("$now", SqliteDates.ToUnixMilliseconds(a.Now));
                var id = command.Parameters.Add("$id", SqliteType.Blob);
                var worker = command.Parameters.Add("$worker", SqliteType.Text);
                var dateQueued = command.Parameters.Add("$datequeued", SqliteType.Integer);
                long requeued = 0;
                foreach (var job in a.Jobs)
                {
                    var bytes = job.Id.ToByteArray();
                    id.Value = bytes;
                    worker.Value = (object?)job.Worker ?? DBNull.Value;
                    dateQueued.Value = job.DateQueued is { } date ? SqliteDates.ToUnixMilliseconds(date) : DBNull.Value;
                    var stored = store._counts.TryReadKey(bytes, out var key);
                    var changed = command.ExecuteNonQuery();
                    if (changed == 1 && stored)
                    {
                        store._counts.Add(key, -1);
                        store._counts.Add(key.With(QueuedName), 1);
                        NoteRefilled(a.Refilled, key.With(QueuedName), 1);
                    }

                    requeued += changed;
                }

                return requeued;
            },
            null,
            cancellationToken).ConfigureAwait(false);
        WakeRefilled(refilled);
        return total;
    }
}
