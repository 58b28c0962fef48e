using System.Buffers;
using MongoDB.Bson;
using F = Mrq.MongoDB.MongoFields;

namespace Mrq.MongoDB;

/// <summary>
/// Every filter, update, sort, projection and document <see cref="MongoJobStore"/> sends, built as plain
/// <see cref="BsonDocument"/>s with string field names (no class maps, no LINQ: safe under native AOT). The store
/// calls these and nothing else, so tests compare exactly what goes to the server.
/// </summary>
internal static partial class MongoJobQueries
{
    private static readonly BsonString s_queued = new(JobStatus.Queued.ToName());
    private static readonly BsonString s_retry = new(JobStatus.Retry.ToName());
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
        document.Add(F.Status, job.DateRetry is null ? s_queued : s_retry);
        document.Add(F.DateQueued, MongoDates.ToBson(job.DateQueued));
        document.Add(F.RetryCount, 0);
        if (job.DateRetry is { } dateRetry)
        {
            // A delayed job waits as MRQ's retry does: RequeueDueRetries queues it once dateretry has passed.
            document.Add(F.DateRetry, MongoDates.ToBson(dateRetry));
        }

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
}
