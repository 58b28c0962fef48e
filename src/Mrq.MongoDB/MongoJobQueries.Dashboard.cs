using System.Buffers;
using MongoDB.Bson;
using F = Mrq.MongoDB.MongoFields;

namespace Mrq.MongoDB;

// The dashboard's bounded reads: pages by cursor, capped counts, aggregates read from index keys.
internal static partial class MongoJobQueries
{
    // ---- Dashboard queries ----------------------------------------------------------------------------------------

    /// <summary>The dashboard's selection: <see cref="SelectionFilter"/>, except that an empty filter selects every job.</summary>
    public static BsonDocument QueryFilter(JobFilter filter) => filter.IsEmpty ? [] : SelectionFilter(filter, null)!;

    /// <summary>Newest first: ObjectIds sort by creation time.</summary>
    public static BsonDocument NewestFirstSort() => new(F.Id, -1);

    /// <summary>
    /// The part of a dashboard filter an index serves in <c>_id</c> order (<see cref="MongoIndexes.Dashboard"/>): the id,
    /// a queue, the queues of a family (<paramref name="family"/>: names read first), or a path; every job otherwise.
    /// </summary>
    public static BsonDocument SeekFilter(JobFilter filter, IReadOnlyList<string>? family)
    {
        if (filter.Id is { } id)
        {
            return new BsonDocument(F.Id, ToObjectId(id));
        }

        if (family is not null)
        {
            return new BsonDocument(F.Queue, new BsonDocument("$in", new BsonArray(family)));
        }

        if (filter.Queue is { } queue && !IsFamily(queue))
        {
            return new BsonDocument(F.Queue, queue);
        }

        return filter.Path is { } path ? new BsonDocument(F.Path, path) : [];
    }

    /// <summary>MRQ's <c>{status, queue, path}</c> index: queue × status and path × status counts read only its keys.</summary>
    public static BsonDocument StatusQueuePathIndex() => new()
    {
        { F.Status, 1 },
        { F.Queue, 1 },
        { F.Path, 1 },
    };

    /// <summary>True for <c>x/</c>: the queue x and its subqueues.</summary>
    public static bool IsFamily(string queue) => queue.Length > 1 && queue[^1] == RawQueueNames.SubqueueSeparator;

    /// <summary>The queues of the family <c>x/</c> (for <c>distinct</c>): x and x/....</summary>
    public static BsonDocument FamilyFilter(string family) => SelectionFilter(new JobFilter { Queue = family }, null)!;

    /// <summary><paramref name="filter"/> restricted to ids below <paramref name="before"/> and from <paramref name="atLeast"/> on.</summary>
    public static BsonDocument WithIdRange(BsonDocument filter, ObjectId? before, ObjectId? atLeast)
    {
        if (before is null && atLeast is null)
        {
            return filter;
        }

        var range = new BsonDocument();
        if (before is { } below)
        {
            range.Add("$lt", below);
        }

        if (atLeast is { } from)
        {
            range.Add("$gte", from);
        }

        var bounded = new BsonDocument(F.Id, range);
        return filter.ElementCount == 0 ? bounded : new BsonDocument("$and", new BsonArray { filter, bounded });
    }

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
