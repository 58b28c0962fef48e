using System.Buffers;
using MongoDB.Bson;
using F = Mrq.MongoDB.MongoFields;

namespace Mrq.MongoDB;

// The queries of whole documents, reads, counts and selections (cancel, requeue) and maintenance.
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
}
