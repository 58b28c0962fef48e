using System.Buffers;
using MongoDB.Bson;
using F = Mrq.MongoDB.MongoFields;

namespace Mrq.MongoDB;

/// <summary>
/// Every filter, update, sort, projection and document <see cref="MongoJobStore"/> sends, built as plain
/// <see cref="BsonDocument"/>s with string field names (no class maps, no LINQ: safe under native AOT). The store
/// calls these and nothing else, so tests compare exactly what goes to the server.
/// </summary>
internal static class MongoJobQueries
{
    private static readonly BsonString s_queued = new(JobStatus.Queued.ToName());
    private static readonly BsonString s_started = new(JobStatus.Started.ToName());

    /// <summary>The statuses a cancel applies to (MRQ's JobAction cancel).</summary>
    public static readonly IReadOnlyList<JobStatus> CancellableStatuses = [JobStatus.Queued, JobStatus.Started, JobStatus.Retry];

    // ---- Enqueue ------------------------------------------------------------------------------------------------

    /// <summary>
    /// The document of a newly queued job. <c>params</c> is the BSON view of the MessagePack params (an empty document
    /// when they have none); <c>params_msgpack</c> keeps the original bytes only when the view does not reproduce them.
    /// </summary>
    public static BsonDocument NewJob(in NewJob job, ArrayBufferWriter<byte> scratch)
    {
        var document = new BsonDocument
        {
            { F.Id, ToObjectId(job.Id) },
            { F.Path, job.Path },
        };
        AddMessagePack(document, F.Params, F.ParamsMessagePack, job.Params, scratch, emptyView: true);
        document.Add(F.Queue, job.Queue);
        document.Add(F.Status, s_queued);
        document.Add(F.DateQueued, MongoDates.ToBson(job.DateQueued));
        document.Add(F.RetryCount, 0);
        if (job.TraceParent is { } traceParent)
        {
            // Extra fields MRQ's Python tools ignore.
            document.Add(F.TraceParent, traceParent);
            if (job.TraceState is { Length: > 0 } traceState)
            {
                document.Add(F.TraceState, traceState);
            }
        }

        return document;
    }

    // ---- Claim --------------------------------------------------------------------------------------------------

    /// <summary>Claim step (a): the queued jobs of <paramref name="queue"/>, read through the dequeue index.</summary>
    public static BsonDocument QueuedFilter(string queue) => new()
    {
        { F.Queue, queue },
        { F.Status, s_queued },
    };

    /// <summary>FIFO order: <c>datequeued</c>, then <c>_id</c> (the dequeue index's order after queue and status).</summary>
    public static BsonDocument FifoSort() => new()
    {
        { F.DateQueued, 1 },
        { F.Id, 1 },
    };

    /// <summary>Claim step (a) reads ids only, so the dequeue index covers the query.</summary>
    public static BsonDocument IdOnlyProjection() => new(F.Id, 1);

    /// <summary>Claim step (b): among the candidates, those still queued (each one is re-checked atomically as it is updated).</summary>
    public static BsonDocument ClaimFilter(IReadOnlyList<BsonValue> ids) => new()
    {
        { F.Id, new BsonDocument("$in", new BsonArray(ids)) },
        { F.Status, s_queued },
    };

    /// <summary>Claim step (b): start the jobs for <paramref name="workerId"/>, stamped with this claim's unique token.</summary>
    public static BsonDocument ClaimUpdate(string workerId, ObjectId token, DateTime now) => new()
    {
        {
            "$set", new BsonDocument
            {
                { F.Status, s_started },
                { F.Worker, workerId },
                { F.Claim, token },
                { F.DateStarted, MongoDates.ToBson(now) },
            }
        },
        { "$unset", new BsonDocument(F.DateExpires, "") },
    };

    /// <summary>
    /// Claim step (c): the candidates that carry this claim's token, i.e. exactly the jobs this claim won, unless one
    /// was cancelled or requeued in the instant between (b) and (c).
    /// </summary>
    public static BsonDocument ClaimedFilter(IReadOnlyList<BsonValue> ids, ObjectId token) => new()
    {
        { F.Id, new BsonDocument("$in", new BsonArray(ids)) },
        { F.Claim, token },
        { F.Status, s_started },
    };

    /// <summary>Claim step (c): what a worker needs to run a job.</summary>
    public static BsonDocument ClaimedProjection() => new()
    {
        { F.Path, 1 },
        { F.Params, 1 },
        { F.ParamsMessagePack, 1 },
        { F.RetryCount, 1 },
        { F.DateQueued, 1 },
        { F.TraceParent, 1 },
        { F.TraceState, 1 },
    };

    /// <summary>Undoing a claim whose outcome is unknown (step (b) or (c) failed): the jobs of this token still started.</summary>
    public static BsonDocument ClaimRollbackFilter(IReadOnlyList<BsonValue> ids, ObjectId token) => new()
    {
        { F.Id, new BsonDocument("$in", new BsonArray(ids)) },
        { F.Claim, token },
        { F.Status, s_started },
    };

    /// <summary>Undoing a claim: back to queued, as before step (b).</summary>
    public static BsonDocument ClaimRollbackUpdate() => new()
    {
        { "$set", new BsonDocument(F.Status, s_queued) },
        {
            "$unset", new BsonDocument
            {
                { F.Worker, "" },
                { F.Claim, "" },
                { F.DateStarted, "" },
            }
        },
    };

    // ---- Complete -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Which job an outcome writes: by id, and when <see cref="JobOutcome.Worker"/> is set only while that worker still
    /// has it <c>started</c> (a job cancelled or requeued while it ran keeps its new status).
    /// </summary>
    public static BsonDocument OutcomeFilter(in JobOutcome outcome)
    {
        var filter = new BsonDocument(F.Id, ToObjectId(outcome.Id));
        if (outcome.Worker is { } worker)
        {
            filter.Add(F.Status, s_started);
            filter.Add(F.Worker, worker);
        }

        return filter;
    }

    /// <summary>
    /// The update of one outcome, as an update pipeline so it is one atomic write: <c>$set</c> overwrites status,
    /// dateupdated, result, exceptiontype, traceback, dateexpires, totaltime and dateretry (a null value is
    /// <c>$unset</c> instead), sets queue, retry_count and datequeued when given, sets progress to 1 on success when
    /// the job had any progress, and appends a <c>traceback_history</c> entry (with the job's own worker) for outcomes
    /// carrying an exception type. Every value is wrapped in <c>$literal</c> so text starting with <c>$</c> stays text.
    /// </summary>
    public static BsonArray OutcomeUpdate(in JobOutcome outcome, ArrayBufferWriter<byte> scratch)
    {
        var set = new BsonDocument
        {
            { F.Status, Literal(outcome.Status.ToName()) },
            { F.DateUpdated, Literal(MongoDates.ToBson(outcome.DateUpdated)) },
        };
        var unset = new BsonArray();

        if (outcome.Result is { } result)
        {
            var (view, exact) = MessagePackBson.ToStorage(result, scratch);
            SetOrUnset(set, unset, F.Result, view);
            SetOrUnset(set, unset, F.ResultMessagePack, exact ? null : new BsonBinaryData(result.ToArray()));
        }
        else
        {
            unset.Add(F.Result);
            unset.Add(F.ResultMessagePack);
        }

        SetOrUnset(set, unset, F.ExceptionType, outcome.ExceptionType);
        SetOrUnset(set, unset, F.Traceback, outcome.Traceback);
        SetOrUnset(set, unset, F.DateExpires, outcome.DateExpires is { } expires ? MongoDates.ToBson(expires) : null);
        SetOrUnset(set, unset, F.TotalTime, outcome.TotalTime is { } totalTime ? new BsonDouble(totalTime) : null);
        SetOrUnset(set, unset, F.DateRetry, outcome.DateRetry is { } retry ? MongoDates.ToBson(retry) : null);
        if (outcome.Queue is { } queue)
        {
            set.Add(F.Queue, Literal(queue));
        }

        if (outcome.RetryCount is { } retryCount)
        {
            set.Add(F.RetryCount, Literal(retryCount));
        }

        if (outcome.DateQueued is { } dateQueued)
        {
            set.Add(F.DateQueued, Literal(MongoDates.ToBson(dateQueued)));
        }

        if (outcome.Status == JobStatus.Success)
        {
            // 1 when the task ever reported progress; a job that never did keeps none.
            set.Add(F.Progress, new BsonDocument("$cond", new BsonArray
            {
                new BsonDocument("$gt", new BsonArray { "$" + F.Progress, BsonNull.Value }),
                1.0,
                "$$REMOVE",
            }));
        }

        if (outcome.ExceptionType is not null)
        {
            set.Add(F.TracebackHistory, new BsonDocument("$concatArrays", new BsonArray
            {
                new BsonDocument("$ifNull", new BsonArray { "$" + F.TracebackHistory, new BsonArray() }),
                new BsonArray { HistoryEntry(outcome) },
            }));
        }

        var pipeline = new BsonArray { new BsonDocument("$set", set) };
        if (unset.Count > 0)
        {
            pipeline.Add(new BsonDocument("$unset", unset));
        }

        return pipeline;
    }

    /// <summary>The <c>traceback_history</c> entry of an outcome (an expression: the worker is the job's own).</summary>
    private static BsonDocument HistoryEntry(in JobOutcome outcome)
    {
        var entry = new BsonDocument
        {
            { F.Date, Literal(MongoDates.ToBson(outcome.DateUpdated)) },
            { F.Status, Literal(outcome.Status.ToName()) },
            { F.ExceptionType, Literal(outcome.ExceptionType!) },
        };
        if (outcome.Traceback is { } traceback)
        {
            entry.Add(F.Traceback, Literal(traceback));
        }

        if (outcome.OriginalTraceback is { } original)
        {
            entry.Add(F.OriginalTraceback, Literal(original));
        }

        entry.Add(F.Worker, "$" + F.Worker);
        return entry;
    }

    /// <summary>A log entry of <c>mrq_logs</c> (MRQ's <c>{job, logs}</c>).</summary>
    public static BsonDocument LogEntry(JobId job, string logs) => new()
    {
        { F.LogJob, ToObjectId(job) },
        { F.LogText, logs },
    };

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

    // ---- Reading documents --------------------------------------------------------------------------------------

    /// <summary>A job read from its document; fields MRQ may have written with other BSON types are read leniently.</summary>
    public static JobInfo ReadJob(BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var status = ReadString(document, F.Status) ?? throw new InvalidDataException($"The job {document.GetValue(F.Id, BsonNull.Value)} has no status.");
        return new JobInfo
        {
            Id = ToJobId(document.GetValue(F.Id, BsonNull.Value)),
            Path = ReadString(document, F.Path) ?? "",
            Queue = ReadString(document, F.Queue) ?? "",
            Status = JobStatusNames.Parse(status),
            Params = ReadParams(document),
            Result = ReadMessagePack(document, F.Result, F.ResultMessagePack),
            ExceptionType = ReadString(document, F.ExceptionType),
            Traceback = ReadString(document, F.Traceback),
            DateQueued = MongoDates.Read(document, F.DateQueued),
            DateStarted = MongoDates.Read(document, F.DateStarted),
            DateUpdated = MongoDates.Read(document, F.DateUpdated),
            DateExpires = MongoDates.Read(document, F.DateExpires),
            DateRetry = MongoDates.Read(document, F.DateRetry),
            Worker = ReadString(document, F.Worker),
            RetryCount = (int)(ReadNumber(document, F.RetryCount) ?? 0),
            TotalTime = ReadNumber(document, F.TotalTime),
            Progress = ReadNumber(document, F.Progress),
            RawQueue = ReadString(document, F.RawQueue),
            TracebackHistory = ReadHistory(document),
        };
    }

    /// <summary>A claimed job from a document read with <see cref="ClaimedProjection"/>.</summary>
    public static ClaimedJob ReadClaimed(BsonDocument document, string queue, DateTime dateStarted) => new(
        ToJobId(document.GetValue(F.Id, BsonNull.Value)),
        ReadString(document, F.Path) ?? "",
        queue,
        ReadParams(document),
        (int)(ReadNumber(document, F.RetryCount) ?? 0),
        MongoDates.Read(document, F.DateQueued) ?? dateStarted,
        dateStarted,
        TraceParent: ReadString(document, F.TraceParent),
        TraceState: ReadString(document, F.TraceState));

    /// <summary>The MessagePack params of a document: the kept bytes, else the BSON view converted, else none.</summary>
    public static ReadOnlyMemory<byte> ReadParams(BsonDocument document) =>
        ReadMessagePack(document, F.Params, F.ParamsMessagePack) ?? ReadOnlyMemory<byte>.Empty;

    private static ReadOnlyMemory<byte>? ReadMessagePack(BsonDocument document, string field, string rawField)
    {
        if (document.TryGetValue(rawField, out var raw) && raw.BsonType == BsonType.Binary)
        {
            return raw.AsBsonBinaryData.Bytes;
        }

        return document.TryGetValue(field, out var view) ? MessagePackBson.ToMessagePack(view) : null;
    }

    private static string? ReadString(BsonDocument document, string field) =>
        document.TryGetValue(field, out var value) ? value.BsonType switch
        {
            BsonType.String => value.AsString,
            BsonType.Null or BsonType.Undefined => null,
            _ => value.ToString(),
        } : null;

    private static double? ReadNumber(BsonDocument document, string field) =>
        document.TryGetValue(field, out var value) && value.IsNumeric ? value.ToDouble() : null;

    private static IReadOnlyList<TracebackEntry> ReadHistory(BsonDocument document)
    {
        if (!document.TryGetValue(F.TracebackHistory, out var value) || value.BsonType != BsonType.Array)
        {
            return [];
        }

        var entries = new List<TracebackEntry>();
        foreach (var item in value.AsBsonArray)
        {
            if (item.BsonType != BsonType.Document)
            {
                continue;
            }

            var entry = item.AsBsonDocument;
            entries.Add(new TracebackEntry
            {
                Date = MongoDates.Read(entry, F.Date) ?? DateTime.UnixEpoch,
                Status = JobStatusNames.TryParse(ReadString(entry, F.Status), out var status) ? status.Value : JobStatus.Failed,
                ExceptionType = ReadString(entry, F.ExceptionType),
                Traceback = ReadString(entry, F.Traceback),
                OriginalTraceback = ReadString(entry, F.OriginalTraceback),
                Worker = ReadString(entry, F.Worker),
            });
        }

        return entries;
    }

    // ---- Helpers ------------------------------------------------------------------------------------------------

    /// <summary>The ObjectId with the same 12 bytes as <paramref name="id"/>.</summary>
    public static ObjectId ToObjectId(JobId id)
    {
        return new ObjectId(id.ToByteArray());
    }

    /// <summary>The job id of an <c>_id</c> value, which must be an ObjectId.</summary>
    public static JobId ToJobId(BsonValue id)
    {
        if (id.BsonType != BsonType.ObjectId)
        {
            throw new InvalidDataException($"A job's _id is a {id.BsonType}; Mrq's jobs have ObjectId ids.");
        }

        var bytes = new byte[JobId.Size];
        id.AsObjectId.ToByteArray(bytes, 0);
        return new JobId(bytes);
    }

    /// <summary>The ids as BSON ObjectIds.</summary>
    public static List<BsonValue> ToBsonIds(IReadOnlyList<JobId> ids)
    {
        var list = new List<BsonValue>(ids.Count);
        foreach (var id in ids)
        {
            list.Add(ToObjectId(id));
        }

        return list;
    }

    private static BsonDocument Literal(BsonValue value) => new("$literal", value);

    private static void SetOrUnset(BsonDocument set, BsonArray unset, string field, BsonValue? value)
    {
        if (value is null)
        {
            unset.Add(field);
        }
        else
        {
            set.Add(field, Literal(value));
        }
    }

    private static void SetOrUnset(BsonDocument set, BsonArray unset, string field, string? value) =>
        SetOrUnset(set, unset, field, value is null ? null : new BsonString(value));

    private static void AddIfSet(BsonDocument document, string field, string? value)
    {
        if (value is not null)
        {
            document.Add(field, value);
        }
    }

    private static void AddIfSet(BsonDocument document, string field, DateTime? value)
    {
        if (value is { } date)
        {
            document.Add(field, MongoDates.ToBson(date));
        }
    }

    /// <summary>
    /// Adds the BSON view of MessagePack bytes under <paramref name="field"/> and, when the view does not give the bytes
    /// back exactly, the bytes under <paramref name="rawField"/>. With <paramref name="emptyView"/> (params, always a
    /// document in MRQ) a value that is not a storable map gets an empty document; otherwise (results, stored as any
    /// BSON value) a value with no storable view gets no field.
    /// </summary>
    private static void AddMessagePack(BsonDocument document, string field, string rawField, ReadOnlyMemory<byte> bytes, ArrayBufferWriter<byte> scratch, bool emptyView)
    {
        var (view, exact) = MessagePackBson.ToStorage(bytes, scratch);
        if (emptyView && view is not null && view.BsonType != BsonType.Document)
        {
            // MRQ's params are always a document: a value that is not a map is kept as bytes only.
            (view, exact) = (null, false);
        }

        if (view is not null)
        {
            document.Add(field, view);
        }
        else if (emptyView)
        {
            document.Add(field, new BsonDocument());
        }

        if (!exact)
        {
            document.Add(rawField, new BsonBinaryData(bytes.ToArray()));
        }
    }
}
