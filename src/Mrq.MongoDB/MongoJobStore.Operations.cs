using MongoDB.Bson;
using MongoDB.Driver;
using Mrq.Processing;

namespace Mrq.MongoDB;

/// <summary>
/// Worker operations on MongoDB: worker reports in MRQ's <c>mrq_workers</c> collection (same field names as MRQ, dates
/// as BSON dates, <c>_id</c> the worker id string that jobs carry in <c>worker</c>), and the recovery of jobs left
/// <c>started</c> by dead workers. Minimal by design: one request per call, no index of its own beyond MRQ's
/// (<c>mrq_workers.datereported</c> with a one-hour TTL, unique <c>mrq_scheduled_jobs.hash</c>: MongoIndexes, created with the others).
/// </summary>
internal sealed partial class MongoJobStore
{
    /// <summary>MRQ's worker reports collection.</summary>
    public const string WorkersCollection = "mrq_workers";

    private IMongoCollection<BsonDocument> Workers => Database.GetCollection<BsonDocument>(WorkersCollection).WithReadPreference(ReadPreference.Primary);

    /// <inheritdoc/>
    /// <remarks>
    /// The same three steps as the FIFO claim, with the path condition in the candidates' query and the sort reversed
    /// for newest first; the claimed jobs are read back in the order chosen.
    /// </remarks>
    public async ValueTask<int> ClaimAsync(string queue, int max, string workerId, ClaimOptions options, List<ClaimedJob> into, CancellationToken cancellationToken = default)
    {
        // The port's prologue, as SqliteJobStore's claim writes it on purpose: FIFO options take the plain claim, and
        // ClaimOptions.CanClaim (the one home of the argument rules) decides whether there is anything to take.
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsFifo)
        {
            return await ClaimAsync(queue, max, workerId, into, cancellationToken).ConfigureAwait(false);
        }

        if (!options.CanClaim(queue, max, workerId, into))
        {
            return 0;
        }

        var filter = MongoJobQueries.QueuedFilter(queue);
        if (options.OnlyPaths is { } only)
        {
            filter.Add(MongoFields.Path, new BsonDocument("$in", new BsonArray(only)));
        }
        else if (options.ExceptPaths is { Count: > 0 } except)
        {
            filter.Add(MongoFields.Path, new BsonDocument("$nin", new BsonArray(except)));
        }

        var direction = options.NewestFirst ? -1 : 1;
        var sort = new BsonDocument { { MongoFields.DateQueued, direction }, { MongoFields.Id, direction } };
        Enter(cancellationToken);
        try
        {
            for (var round = 0; round < MaxClaimRounds; round++)
            {
                var candidates = await FindIdsAsync(filter, sort, max, cancellationToken).ConfigureAwait(false);
                if (candidates.Count == 0)
                {
                    return 0;
                }

                var first = into.Count;
                var won = await ClaimCandidatesAsync(queue, workerId, candidates, into).ConfigureAwait(false);
                if (won > 0)
                {
                    if (options.NewestFirst)
                    {
                        into.Reverse(first, won);
                    }

                    return won;
                }

                cancellationToken.ThrowIfCancellationRequested();
            }

            return 0;
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> GetQueuesAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Enter(cancellationToken);
        try
        {
            var filter = new BsonDocument(MongoFields.Queue, new BsonDocument("$regex", "^" + System.Text.RegularExpressions.Regex.Escape(prefix)));
            using var cursor = await Jobs.DistinctAsync<string>(MongoFields.Queue, filter, cancellationToken: cancellationToken).ConfigureAwait(false);
            var queues = new List<string>();
            while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                queues.AddRange(cursor.Current);
            }

            queues.Sort(StringComparer.Ordinal);
            return queues;
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask ReportWorkerAsync(WorkerReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        Enter(cancellationToken);
        try
        {
            await Workers.ReplaceOneAsync(new BsonDocument("_id", report.Id), ToDocument(report), new ReplaceOptions { IsUpsert = true }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<WorkerReport>> GetWorkersAsync(CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        try
        {
            var reports = new List<WorkerReport>();
            using var cursor = await Workers.FindAsync(new BsonDocument(), cancellationToken: cancellationToken).ConfigureAwait(false);
            while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var document in cursor.Current)
                {
                    reports.Add(FromDocument(document));
                }
            }

            return reports;
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> DeleteWorkersReportedBeforeAsync(DateTime before, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        try
        {
            var filter = new BsonDocument("datereported", new BsonDocument("$lt", MongoDates.ToBson(before)));
            return (await Workers.DeleteManyAsync(filter, cancellationToken).ConfigureAwait(false)).DeletedCount;
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<StartedJob>> GetStartedJobsAsync(CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        try
        {
            var options = new FindOptions<BsonDocument>
            {
                Projection = new BsonDocument { { MongoFields.Id, 1 }, { MongoFields.Path, 1 }, { MongoFields.Worker, 1 }, { MongoFields.DateStarted, 1 } },
            };
            var jobs = new List<StartedJob>();
            using var cursor = await Jobs.FindAsync(new BsonDocument(MongoFields.Status, "started"), options, cancellationToken).ConfigureAwait(false);
            while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var document in cursor.Current)
                {
                    jobs.Add(new StartedJob(
                        MongoJobQueries.ToJobId(document[MongoFields.Id]),
                        document.GetValue(MongoFields.Path, "").AsString,
                        document.TryGetValue(MongoFields.Worker, out var worker) && worker.IsString ? worker.AsString : null,
                        MongoDates.Read(document, MongoFields.DateStarted)));
                }
            }

            return jobs;
        }
        finally
        {
            Exit();
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

        Enter(cancellationToken);
        try
        {
            BsonDocument Update(DateTime? dateQueued) => new()
            {
                { "$set", new BsonDocument { { MongoFields.Status, "queued" }, { MongoFields.DateQueued, MongoDates.ToBson(dateQueued ?? now) }, { MongoFields.DateUpdated, MongoDates.ToBson(now) } } },
                { "$unset", new BsonDocument(MongoFields.DateExpires, "") },
            };
            var atEnd = Update(null);
            var models = jobs.Select(job => (WriteModel<BsonDocument>)new UpdateOneModel<BsonDocument>(
                new BsonDocument
                {
                    { MongoFields.Id, MongoJobQueries.ToObjectId(job.Id) },
                    { MongoFields.Status, "started" },
                    { MongoFields.Worker, job.Worker is null ? BsonNull.Value : new BsonString(job.Worker) },
                },
                job.DateQueued is null ? atEnd : Update(job.DateQueued))).ToList();
            var result = await Jobs.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = false }, cancellationToken).ConfigureAwait(false);
            return result.ModifiedCount;
        }
        finally
        {
            Exit();
        }
    }

    private static BsonDocument ToDocument(WorkerReport report) => new()
    {
        { "_id", report.Id },
        { "name", report.Name },
        { "status", report.Status },
        {
            "config", new BsonDocument
            {
                { "queues", new BsonArray(report.Config.Queues) },
                { "greenlets", report.Config.Greenlets },
                { "processes", report.Config.Processes },
                { "max_jobs", report.Config.MaxJobs },
                { "max_time", report.Config.MaxTime },
                { "max_memory", report.Config.MaxMemory },
                { "dequeue_strategy", report.Config.DequeueStrategy },
                { "scheduler", report.Config.Scheduler },
                { "report_interval", report.Config.ReportInterval },
                { "name", report.Name },
            }
        },
        { "done_jobs", report.DoneJobs },
        { "usage_avg", report.UsageAvg },
        { "datestarted", MongoDates.ToBson(report.DateStarted) },
        { "datereported", MongoDates.ToBson(report.DateReported) },
        {
            "process", new BsonDocument
            {
                { "pid", report.Process.Pid },
                { "cpu", new BsonDocument { { "user", report.Process.CpuUser }, { "system", report.Process.CpuSystem }, { "percent", report.Process.CpuPercent } } },
                { "mem", new BsonDocument { { "rss", report.Process.MemoryRss }, { "swap", report.Process.MemorySwap }, { "total", report.Process.MemoryTotal } } },
            }
        },
        {
            "jobs", new BsonArray(report.Jobs.Select(j => new BsonDocument
            {
                { "id", MongoJobQueries.ToObjectId(j.Id) },
                { "path", j.Path },
                { "datestarted", MongoDates.ToBson(j.DateStarted) },
            }))
        },
    };

    private static WorkerReport FromDocument(BsonDocument document)
    {
        var config = document.GetValue("config", new BsonDocument()).AsBsonDocument;
        var process = document.GetValue("process", new BsonDocument()).AsBsonDocument;
        var cpu = process.GetValue("cpu", new BsonDocument()).AsBsonDocument;
        var mem = process.GetValue("mem", new BsonDocument()).AsBsonDocument;
        return new WorkerReport
        {
            Id = document["_id"].ToString()!,
            Name = document.GetValue("name", "").AsString,
            Status = document.GetValue("status", "").AsString,
            DoneJobs = document.GetValue("done_jobs", 0).ToInt64(),
            UsageAvg = document.GetValue("usage_avg", 0.0).ToDouble(),
            DateStarted = MongoDates.Read(document, "datestarted") ?? DateTime.MinValue,
            DateReported = MongoDates.Read(document, "datereported") ?? DateTime.MinValue,
            Config = new WorkerReport.WorkerConfig
            {
                Queues = [.. config.GetValue("queues", new BsonArray()).AsBsonArray.Select(q => q.ToString()!)],
                Greenlets = config.GetValue("greenlets", 0).ToInt32(),
                Processes = config.GetValue("processes", 0).ToInt32(),
                MaxJobs = config.GetValue("max_jobs", 0).ToInt32(),
                MaxTime = config.GetValue("max_time", 0.0).ToDouble(),
                MaxMemory = config.GetValue("max_memory", 0).ToInt32(),
                DequeueStrategy = config.GetValue("dequeue_strategy", "").ToString()!,
                Scheduler = config.GetValue("scheduler", false).ToBoolean(),
                ReportInterval = config.GetValue("report_interval", 0.0).ToDouble(),
            },
            Process = new WorkerReport.ProcessUsage
            {
                Pid = process.GetValue("pid", 0).ToInt32(),
                CpuUser = cpu.GetValue("user", 0.0).ToDouble(),
                CpuSystem = cpu.GetValue("system", 0.0).ToDouble(),
                CpuPercent = cpu.GetValue("percent", 0.0).ToDouble(),
                MemoryRss = mem.GetValue("rss", 0).ToInt64(),
                MemorySwap = mem.GetValue("swap", 0).ToInt64(),
            },
            Jobs = [.. document.GetValue("jobs", new BsonArray()).AsBsonArray.Select(j => j.AsBsonDocument).Select(j => new WorkerReport.CurrentJob(
                MongoJobQueries.ToJobId(j["id"]),
                j.GetValue("path", "").AsString,
                MongoDates.Read(j, "datestarted") ?? DateTime.MinValue))],
        };
    }
}
