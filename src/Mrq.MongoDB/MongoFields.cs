using MongoDB.Bson;

namespace Mrq.MongoDB;

/// <summary>Collection and field names, exactly MRQ's (reference §3.1, §3.5), plus the few Mrq adds.</summary>
internal static class MongoFields
{
    /// <summary>The jobs collection.</summary>
    public const string JobsCollection = "mrq_jobs";

    /// <summary>The job logs collection (capped, in the logs database).</summary>
    public const string LogsCollection = "mrq_logs";

    /// <summary>The database used when the URI names none (MRQ's default URI ends in <c>/mrq</c>).</summary>
    public const string DefaultDatabase = "mrq";

    public const string Id = "_id";
    public const string Path = "path";
    public const string Params = "params";
    public const string Queue = "queue";
    public const string Status = "status";
    public const string DateQueued = "datequeued";
    public const string DateStarted = "datestarted";
    public const string DateUpdated = "dateupdated";
    public const string DateExpires = "dateexpires";
    public const string DateRetry = "dateretry";
    public const string Result = "result";
    public const string Traceback = "traceback";
    public const string ExceptionType = "exceptiontype";
    public const string TracebackHistory = "traceback_history";
    public const string OriginalTraceback = "original_traceback";
    public const string Date = "date";
    public const string RetryCount = "retry_count";
    public const string Worker = "worker";
    public const string RawQueue = "raw_queue";
    public const string TotalTime = "totaltime";
    public const string Progress = "progress";

    /// <summary>Mrq: the original MessagePack params, kept only when <see cref="Params"/> does not reproduce them exactly.</summary>
    public const string ParamsMessagePack = "params_msgpack";

    /// <summary>Mrq: the original MessagePack result, kept only when <see cref="Result"/> does not reproduce it exactly.</summary>
    public const string ResultMessagePack = "result_msgpack";

    /// <summary>Mrq: the token of the claim that started the job (see <see cref="MongoJobStore"/>).</summary>
    public const string Claim = "claim";

    /// <summary>Mrq: the W3C <c>traceparent</c> of the code that enqueued the job (absent when none was traced).</summary>
    public const string TraceParent = "traceparent";

    /// <summary>Mrq: the W3C <c>tracestate</c> that came with <see cref="TraceParent"/> (absent when empty).</summary>
    public const string TraceState = "tracestate";

    /// <summary><c>mrq_logs</c>: the job a log entry belongs to.</summary>
    public const string LogJob = "job";

    /// <summary><c>mrq_logs</c>: the log text.</summary>
    public const string LogText = "logs";
}

/// <summary>
/// Dates in MongoDB: BSON datetimes are UTC milliseconds. <see cref="DateTimeKind.Local"/> values are converted to UTC,
/// <see cref="DateTimeKind.Unspecified"/> ones are taken as UTC, sub-millisecond ticks are dropped (rounded down, as the
/// embedded store does), and reads return <see cref="DateTimeKind.Utc"/>.
/// </summary>
internal static class MongoDates
{
    private const long EpochTicks = 621_355_968_000_000_000; // DateTime.UnixEpoch.Ticks
    private static readonly long s_minMilliseconds = (DateTime.MinValue.Ticks - EpochTicks) / TimeSpan.TicksPerMillisecond;
    private static readonly long s_maxMilliseconds = (DateTime.MaxValue.Ticks - EpochTicks) / TimeSpan.TicksPerMillisecond;

    /// <summary>Unix milliseconds of <paramref name="value"/>, rounded down.</summary>
    public static long ToUnixMilliseconds(DateTime value)
    {
        if (value.Kind == DateTimeKind.Local)
        {
            value = value.ToUniversalTime();
        }

        var ticks = value.Ticks - EpochTicks;
        return ticks >= 0 ? ticks / TimeSpan.TicksPerMillisecond : ((ticks + 1) / TimeSpan.TicksPerMillisecond) - 1;
    }

    /// <summary>The BSON datetime of <paramref name="value"/>.</summary>
    public static BsonDateTime ToBson(DateTime value) => new(ToUnixMilliseconds(value));

    /// <summary><paramref name="value"/> rounded down to the millisecond, as UTC (what a store gives back).</summary>
    public static DateTime Floor(DateTime value) => FromUnixMilliseconds(ToUnixMilliseconds(value));

    /// <summary>The UTC date of unix milliseconds, clamped to the range of <see cref="DateTime"/>.</summary>
    public static DateTime FromUnixMilliseconds(long milliseconds)
    {
        milliseconds = Math.Clamp(milliseconds, s_minMilliseconds, s_maxMilliseconds);
        return new DateTime(EpochTicks + (milliseconds * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    /// <summary>Reads a date field: null when absent or not a date.</summary>
    public static DateTime? Read(BsonDocument document, string field) =>
        document.TryGetValue(field, out var value) && value.BsonType == BsonType.DateTime
            ? FromUnixMilliseconds(value.AsBsonDateTime.MillisecondsSinceEpoch)
            : null;
}
