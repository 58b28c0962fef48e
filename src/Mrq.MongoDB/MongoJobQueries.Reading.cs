using System.Buffers;
using MongoDB.Bson;
using F = Mrq.MongoDB.MongoFields;

namespace Mrq.MongoDB;

// Reading job documents back, and the conversions and field helpers the builders share.
internal static partial class MongoJobQueries
{
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
