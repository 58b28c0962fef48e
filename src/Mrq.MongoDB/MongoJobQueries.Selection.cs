using System.Buffers;
using MongoDB.Bson;
using F = Mrq.MongoDB.MongoFields;

namespace Mrq.MongoDB;

// The queries of reads, counts, selections (cancel, requeue, the dashboard's filters) and maintenance.
internal static partial class MongoJobQueries
{
    // ---- Whole documents, reads, counts -------------------------------------------------------------------------

    /// <summary>The whole document of a job (raw-queue jobs, jobs never stored until they ended), for a replacing upsert.</summary>
    public static BsonDocument JobDocument(JobInfo job, ArrayBufferWriter<byte> scratch)
    {
        ArgumentNullException.ThrowIfNull(job);
        var document = new BsonDocument
        {
            { F.Id, ToObjectId(job.Id) },
            { F.Path, job.Path },
        };
        AddMessagePack(document, F.Params, F.ParamsMessagePack, job.Params, scratch, emptyView: true);
        document.Add(F.Queue, job.Queue);
        document.Add(F.Status, job.Status.ToName());
        if (job.Result is { } result)
        {
            AddMessagePack(document, F.Result, F.ResultMessagePack, result, scratch, emptyView: false);
        }

        AddIfSet(document, F.ExceptionType, job.ExceptionType);
        AddIfSet(document, F.Traceback, job.Traceback);
        document.Add(F.DateQueued, MongoDates.ToBson(job.DateQueued ?? job.DateStarted ?? DateTime.UtcNow));
        AddIfSet(document, F.DateStarted, job.DateStarted);
        AddIfSet(document, F.DateUpdated, job.DateUpdated);
        AddIfSet(document, F.DateExpires, job.DateExpires);
        AddIfSet(document, F.DateRetry, job.DateRetry);
        AddIfSet(document, F.Worker, job.Worker);
        document.Add(F.RetryCount, job.RetryCount);
        if (job.TotalTime is { } totalTime)
        {
            document.Add(F.TotalTime, totalTime);
        }

        if (job.Progress is { } progress)
        {
            document.Add(F.Progress, progress);
        }

        AddIfSet(document, F.RawQueue, job.RawQueue);
        if (job.TracebackHistory.Count > 0)
        {
            var history = new BsonArray(job.TracebackHistory.Count);
            foreach (var item in job.TracebackHistory)
            {
                var entry = new BsonDocument
                {
                    { F.Date, MongoDates.ToBson(item.Date) },
                    { F.Status, item.Status.ToName() },
                };
                AddIfSet(entry, F.ExceptionType, item.ExceptionType);
                AddIfSet(entry, F.Traceback, item.Traceback);
                AddIfSet(entry, F.OriginalTraceback, item.OriginalTraceback);
                AddIfSet(entry, F.Worker, item.Worker);
                history.Add(entry);
            }

            document.Add(F.TracebackHistory, history);
        }

        return document;
    }

    /// <summary>One job by id.</summary>
    public static BsonDocument IdFilter(JobId id) => new(F.Id, ToObjectId(id));

    /// <summary>The jobs of a queue in a status (counts; served by the dequeue index's prefix).</summary>
    public static BsonDocument CountFilter(string queue, JobStatus status) => new()
    {
        { F.Queue, queue },
        { F.Status, status.ToName() },
    };

    // ---- Lifecycle ----------------------------------------------------------------------------------------------

    /// <summary>
    /// The jobs a <see cref="JobFilter"/> selects (without its params criterion, which is compared on the client), limited
    /// to <paramref name="allowedStatuses"/> when given. Null for an empty filter, which selects nothing.
    /// </summary>
    public static BsonDocument? SelectionFilter(JobFilter filter, IReadOnlyList<JobStatus>? allowedStatuses)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.IsEmpty)
        {
            return null;
        }

        var document = new BsonDocument();
        if (filter.Id is { } id)
        {
            document.Add(F.Id, ToObjectId(id));
        }

        if (filter.Queue is { Length: > 1 } listen && listen[^1] == RawQueueNames.SubqueueSeparator)
        {
            // "x/": the queue x and its subqueues x/..., two ranges of the queue index.
            document.Add("$or", new BsonArray
            {
                new BsonDocument(F.Queue, listen[..^1]),
                new BsonDocument(F.Queue, new BsonDocument
                {
                    { "$gte", listen },
                    { "$lt", listen[..^1] + (char)(RawQueueNames.SubqueueSeparator + 1) },
                }),
            });
        }
        else
        {
            AddIfSet(document, F.Queue, filter.Queue);
        }

        AddIfSet(document, F.Path, filter.Path);
        AddIfSet(document, F.RawQueue, filter.RawQueue);
        AddIfSet(document, F.ExceptionType, filter.ExceptionType);
        AddIfSet(document, F.Worker, filter.Worker);

        IEnumerable<JobStatus>? statuses = filter.Statuses;
        if (allowedStatuses is not null)
        {
            statuses = statuses is null ? allowedStatuses : statuses.Where(allowedStatuses.Contains);
        }

        if (statuses is not null)
        {
            var names = new BsonArray();
            foreach (var status in statuses.Distinct())
            {
                names.Add(status.ToName());
            }

            document.Add(F.Status, new BsonDocument("$in", names));
        }

        return document;
    }

    // ---- Dashboard queries ----------------------------------------------------------------------------------------

    /// <summary>The dashboard's selection: <see cref="SelectionFilter"/>, except that an empty filter selects every job.</summary>
    public static BsonDocument QueryFilter(JobFilter filter) => filter.IsEmpty ? [] : SelectionFilter(filter, null)!;

    /// <summary>Newest first: ObjectIds sort by creation time.</summary>
    public static BsonDocument NewestFirstSort() => new(F.Id, -1);

    /// <summary>Counts of jobs grouped by two fields (<c>$group</c> on <c>{k, d}</c>), optionally after a <c>$match</c>.</summary>
    public static BsonDocument[] GroupCountPipeline(string keyField, string detailField, BsonDocument? match)
    {
        var group = new BsonDocument("$group", new BsonDocument
        {
            { F.Id, new BsonDocument { { "k", "$" + keyField }, { "d", "$" + detailField } } },
            { "n", new BsonDocument("$sum", 1) },
        });
        return match is null ? [group] : [new BsonDocument("$match", match), group];
    }

    /// <summary>Jobs where <paramref name="field"/> is set (the exception type: MRQ's task exceptions view; the raw queue).</summary>
    public static BsonDocument WithFieldFilter(string field) => new(field, new BsonDocument { { "$exists", true }, { "$ne", BsonNull.Value } });

    /// <summary>A job's log entries after the entry <paramref name="after"/> (all of them when null).</summary>
    public static BsonDocument LogsAfterFilter(JobId id, ObjectId? after)
    {
        var filter = LogsOfJobFilter(id);
        if (after is { } cursor)
        {
            filter.Add(F.Id, new BsonDocument("$gt", cursor));
        }

        return filter;
    }

    /// <summary>Jobs by id, further restricted by <paramref name="selection"/> (the params-filtered path of bulk actions).</summary>
    public static BsonDocument IdsFilter(IReadOnlyList<BsonValue> ids, BsonDocument? selection = null)
    {
        var filter = new BsonDocument(F.Id, new BsonDocument("$in", new BsonArray(ids)));
        if (selection is not null)
        {
            foreach (var element in selection)
            {
                if (element.Name != F.Id)
                {
                    filter.Add(element);
                }
            }
        }

        return filter;
    }

    /// <summary>What a params-filtered bulk action reads to compare params on the client.</summary>
    public static BsonDocument ParamsProjection() => new()
    {
        { F.Params, 1 },
        { F.ParamsMessagePack, 1 },
    };

    /// <summary>Cancel (MRQ's JobAction cancel, with the cancel TTL as in §9.4).</summary>
    public static BsonDocument CancelUpdate(DateTime now, DateTime dateExpires) => new(
        "$set", new BsonDocument
        {
            { F.Status, JobStatus.Cancel.ToName() },
            { F.DateUpdated, MongoDates.ToBson(now) },
            { F.DateExpires, MongoDates.ToBson(dateExpires) },
        });

    /// <summary>Requeue at the end of the queue (or of <paramref name="destinationQueue"/>), resetting the retry count unless kept.</summary>
    public static BsonDocument RequeueUpdate(string? destinationQueue, bool keepRetryCount, DateTime now)
    {
        var set = new BsonDocument(F.Status, s_queued);
        if (destinationQueue is not null)
        {
            set.Add(F.Queue, destinationQueue);
        }

        set.Add(F.DateQueued, MongoDates.ToBson(now));
        set.Add(F.DateUpdated, MongoDates.ToBson(now));
        if (!keepRetryCount)
        {
            set.Add(F.RetryCount, 0);
        }

        return new BsonDocument
        {
            { "$set", set },
            {
                "$unset", new BsonDocument
                {
                    { F.DateExpires, "" },
                    { F.DateRetry, "" },
                }
            },
        };
    }

    /// <summary><c>retry</c> jobs due at <paramref name="now"/> (served by the sparse <c>dateretry</c> index).</summary>
    public static BsonDocument DueRetriesFilter(DateTime now) => new()
    {
        { F.Status, JobStatus.Retry.ToName() },
        { F.DateRetry, new BsonDocument("$lte", MongoDates.ToBson(now)) },
    };

    /// <summary>Due retries go back to the end of their queue, keeping their retry count.</summary>
    public static BsonDocument DueRetriesUpdate(DateTime now) => new()
    {
        {
            "$set", new BsonDocument
            {
                { F.Status, s_queued },
                { F.DateQueued, MongoDates.ToBson(now) },
                { F.DateUpdated, MongoDates.ToBson(now) },
            }
        },
        { "$unset", new BsonDocument(F.DateRetry, "") },
    };

    /// <summary>Jobs whose expiry has passed (what the TTL index also deletes, within a minute).</summary>
    public static BsonDocument ExpiredFilter(DateTime now) => new(F.DateExpires, new BsonDocument("$lte", MongoDates.ToBson(now)));

    /// <summary>The log entries of the given jobs.</summary>
    public static BsonDocument LogsOfJobsFilter(IReadOnlyList<BsonValue> jobIds) => new(F.LogJob, new BsonDocument("$in", new BsonArray(jobIds)));

    /// <summary>The log entries of one job.</summary>
    public static BsonDocument LogsOfJobFilter(JobId id) => new(F.LogJob, ToObjectId(id));

    /// <summary>Log entries in insertion order (ObjectIds grow with time and, within a process, with a counter).</summary>
    public static BsonDocument LogsSort() => new(F.Id, 1);

    /// <summary>Among <paramref name="ids"/>, those still started by <paramref name="workerId"/>.</summary>
    public static BsonDocument StillClaimedFilter(IReadOnlyList<BsonValue> ids, string workerId) => new()
    {
        { F.Id, new BsonDocument("$in", new BsonArray(ids)) },
        { F.Status, s_started },
        { F.Worker, workerId },
    };

    /// <summary>Records a running job's progress.</summary>
    public static BsonDocument ProgressUpdate(double progress) => new("$set", new BsonDocument(F.Progress, progress));
}
