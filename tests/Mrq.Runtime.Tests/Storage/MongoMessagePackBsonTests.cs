using System.Buffers;
using MessagePack;
using MongoDB.Bson;
using Mrq.Infrastructure;
using Mrq.MongoDB;
using Mrq.Tests.Generated;

namespace Mrq.Tests.Storage;

/// <summary>MessagePack ↔ BSON for every MessagePack type the generator writes, and for params of real generated tasks.</summary>
public sealed class MongoMessagePackBsonTests
{
    private delegate void Writing(ref MessagePackWriter writer);

    public static TheoryData<string, string> CanonicalValues => new()
    {
        { "nil", "C0" },
        { "true", "C3" },
        { "false", "C2" },
        { "positive fixint", "7F" },
        { "negative fixint", "E0" },
        { "uint8", "CCFF" },
        { "uint16", "CDFFFF" },
        { "uint32", "CEFFFFFFFF" },
        { "uint64 in Int64 range", "CF7FFFFFFFFFFFFFFF" },
        { "uint64 beyond Int64", "CFFFFFFFFFFFFFFFFF" },
        { "uint64 2^63", "CF8000000000000000" },
        { "int8", "D080" },
        { "int16", "D18000" },
        { "int32", "D280000000" },
        { "int64", "D38000000000000000" },
        { "float64", "CB400921FB54442D18" },
        { "float64 NaN", "CB7FF8000000000000" },
        { "float64 -infinity", "CBFFF0000000000000" },
        { "empty str", "A0" },
        { "fixstr", "A3616263" },
        { "unicode str", "A668C3A96CC3A9" },
        { "empty bin", "C400" },
        { "bin8", "C40300FF7F" },
        { "empty array", "90" },
        { "array", "93C001A161" },
        { "empty map", "80" },
        { "map", "82A16101A162C0" },
        { "nested", "81A1789281A1790A91C3" },
        { "timestamp32", "D6FF65B5A040" },
        { "timestamp64 with milliseconds", "D7FF1DCD650065B5A040" },
        { "timestamp96 before 1970", "C70CFF1DCD6500FFFFFFFFFFFFFFFF" },
        { "timestamp96 far future", "C70CFF000000000000000400000000" },
        { "other extension", "D405AB" },
        { "ext8 extension", "C70302010203" },
    };

    [Theory]
    [MemberData(nameof(CanonicalValues))]
    public void Canonical_messagepack_round_trips_byte_for_byte(string kind, string hex)
    {
        var bytes = Convert.FromHexString(hex);

        var bson = MessagePackBson.ToBson(bytes);
        var back = MessagePackBson.ToMessagePack(bson);

        Assert.True(bytes.AsSpan().SequenceEqual(back), $"{kind}: {hex} came back as {Convert.ToHexString(back)} via {bson.ToJson()}");
        var (view, exact) = MessagePackBson.ToStorage(bytes, new ArrayBufferWriter<byte>());
        Assert.True(exact, kind);
        Assert.Equal(bson, view);
    }

    [Fact]
    public void Each_messagepack_type_maps_to_the_documented_bson_type()
    {
        Assert.Equal(BsonNull.Value, Bson((ref MessagePackWriter w) => w.WriteNil()));
        Assert.Equal(BsonBoolean.True, Bson((ref MessagePackWriter w) => w.Write(true)));
        Assert.Equal(new BsonInt32(-5), Bson((ref MessagePackWriter w) => w.Write(-5)));
        Assert.Equal(new BsonInt32(int.MaxValue), Bson((ref MessagePackWriter w) => w.Write((long)int.MaxValue)));
        Assert.Equal(new BsonInt64(int.MaxValue + 1L), Bson((ref MessagePackWriter w) => w.Write(int.MaxValue + 1L)));
        Assert.Equal(new BsonInt64(uint.MaxValue), Bson((ref MessagePackWriter w) => w.Write(uint.MaxValue)));
        Assert.Equal(new BsonInt64(long.MinValue), Bson((ref MessagePackWriter w) => w.Write(long.MinValue)));
        Assert.Equal(new BsonInt64(long.MaxValue), Bson((ref MessagePackWriter w) => w.Write((ulong)long.MaxValue)));
        Assert.Equal(new BsonDecimal128(Decimal128.Parse("18446744073709551615")), Bson((ref MessagePackWriter w) => w.Write(ulong.MaxValue)));
        Assert.Equal(new BsonDecimal128(Decimal128.Parse("9223372036854775808")), Bson((ref MessagePackWriter w) => w.Write((ulong)long.MaxValue + 1)));
        Assert.Equal(new BsonDouble(1.5), Bson((ref MessagePackWriter w) => w.Write(1.5f)));
        Assert.Equal(new BsonDouble(0.1f), Bson((ref MessagePackWriter w) => w.Write(0.1f))); // float32 widens exactly
        Assert.Equal(new BsonDouble(Math.E), Bson((ref MessagePackWriter w) => w.Write(Math.E)));
        Assert.Equal(new BsonString("héllo ✓"), Bson((ref MessagePackWriter w) => w.Write("héllo ✓")));
        Assert.Equal(new BsonBinaryData([1, 2], BsonBinarySubType.Binary), Bson((ref MessagePackWriter w) => w.Write(new byte[] { 1, 2 })));
        Assert.Equal(new BsonArray { 1, "a" }, Bson((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(1);
            w.Write("a");
        }));
        Assert.Equal(new BsonDocument { { "b", 2 }, { "a", 1 } }, Bson((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("b");
            w.Write(2);
            w.Write("a");
            w.Write(1);
        }));
        var date = new DateTime(2024, 1, 27, 23, 59, 59, 123, DateTimeKind.Utc);
        Assert.Equal(new BsonDateTime(date), Bson((ref MessagePackWriter w) => w.Write(date)));
        Assert.Equal(new BsonBinaryData([0x05, 0xAB], BsonBinarySubType.UserDefined), Bson((ref MessagePackWriter w) =>
        {
            w.WriteExtensionFormatHeader(new ExtensionHeader(5, 1));
            w.WriteRaw(new byte[] { 0xAB });
        }));
    }

    [Fact]
    public void Timestamps_written_by_messagepack_come_back_as_the_same_bytes_for_every_form()
    {
        DateTime[] dates =
        [
            DateTime.UnixEpoch,
            new(2024, 1, 27, 23, 59, 59, DateTimeKind.Utc), // timestamp32
            new(2024, 1, 27, 23, 59, 59, 999, DateTimeKind.Utc), // timestamp64
            new(2600, 1, 1, 0, 0, 0, 1, DateTimeKind.Utc), // seconds beyond 34 bits: timestamp96
            new(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc), // negative seconds: timestamp96
            new(1, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            new(9999, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc),
        ];

        foreach (var date in dates)
        {
            var bytes = Write((ref MessagePackWriter w) => w.Write(date));
            Assert.Equal(bytes, MessagePackBson.ToMessagePack(MessagePackBson.ToBson(bytes)));
            Assert.Equal(date, new MessagePackReader(MessagePackBson.ToMessagePack(MessagePackBson.ToBson(bytes))).ReadDateTime());
        }
    }

    [Fact]
    public void Values_bson_cannot_hold_exactly_keep_their_value_and_are_reported_inexact()
    {
        var scratch = new ArrayBufferWriter<byte>();

        // float32 reads back as float64 with the same value.
        var single = Write((ref MessagePackWriter w) => w.Write(0.1f));
        Assert.False(MessagePackBson.ToStorage(single, scratch).Exact);
        Assert.Equal(0.1f, new MessagePackReader(MessagePackBson.ToMessagePack(MessagePackBson.ToBson(single))).ReadSingle());

        // A non-canonical integer encoding reads back canonical, same value.
        var wide = Convert.FromHexString("CE00000001");
        Assert.False(MessagePackBson.ToStorage(wide, scratch).Exact);
        Assert.Equal([0x01], MessagePackBson.ToMessagePack(MessagePackBson.ToBson(wide)));

        // Sub-millisecond digits of a timestamp are beyond BSON dates.
        var precise = Write((ref MessagePackWriter w) => w.Write(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1234)));
        Assert.False(MessagePackBson.ToStorage(precise, scratch).Exact);
        Assert.Equal(new BsonDateTime(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)), MessagePackBson.ToBson(precise));
    }

    [Fact]
    public void What_bson_cannot_represent_is_refused_and_stored_as_bytes_only()
    {
        var scratch = new ArrayBufferWriter<byte>();
        byte[][] refused =
        [
            [],                                      // no value at all
            [0x81, 0xA1],                            // truncated
            [0x01, 0x02],                            // bytes after the value
            Convert.FromHexString("810102"),         // integer key
            Convert.FromHexString("82A16101A16102"), // duplicate key
            Convert.FromHexString("81A2610001"),     // NUL in a key
            [0xC1],                                  // never used code
            Convert.FromHexString("D6FF00"),         // timestamp of the wrong length (truncated)
            Convert.FromHexString("D5FF0000"),       // timestamp of 2 bytes
            Deep(MessagePackBson.MaxDepth + 1),
        ];

        foreach (var bytes in refused)
        {
            Assert.Throws<MessagePackBsonException>(() => MessagePackBson.ToBson(bytes));
            Assert.Equal((null, false), MessagePackBson.ToStorage(bytes, scratch));
        }

        MessagePackBson.ToBson(Deep(MessagePackBson.MaxDepth));
    }

    [Fact]
    public void Keys_mongodb_will_not_store_make_the_view_unstorable()
    {
        var scratch = new ArrayBufferWriter<byte>();
        foreach (var key in new[] { "$where", "a.b" })
        {
            var bytes = Write((ref MessagePackWriter w) =>
            {
                w.WriteMapHeader(1);
                w.Write("outer");
                w.WriteMapHeader(1);
                w.Write(key);
                w.Write(1);
            });
            Assert.False(MessagePackBson.IsStorable(MessagePackBson.ToBson(bytes)));
            Assert.Equal((null, false), MessagePackBson.ToStorage(bytes, scratch));
        }

        Assert.True(MessagePackBson.IsStorable(BsonDocument.Parse("{ 'a$': 1, 'x': [ { '': 2 } ] }")));
    }

    [Fact]
    public void Bson_written_by_others_converts_to_messagepack_mrq_can_read()
    {
        var objectId = ObjectId.Parse("65b5a0401dcd65001dcd6500");
        var document = new BsonDocument
        {
            { "oid", objectId },
            { "dec", new BsonDecimal128(Decimal128.Parse("1.10")) },
            { "decint", new BsonDecimal128(Decimal128.Parse("-42")) },
            { "uuid", new BsonBinaryData(Guid.Empty, GuidRepresentation.Standard) },
            { "ts", new BsonTimestamp(7) },
            { "undefined", BsonUndefined.Value },
            { "regex", new BsonRegularExpression("^a", "i") },
        };

        var reader = new MessagePackReader(MessagePackBson.ToMessagePack(document));
        Assert.Equal(7, reader.ReadMapHeader());
        Assert.Equal(("oid", "65b5a0401dcd65001dcd6500"), (reader.ReadString(), reader.ReadString()));
        Assert.Equal("dec", reader.ReadString());
        Assert.Equal(1.10m, MrqWire.ReadDecimal(ref reader));
        Assert.Equal(("decint", -42L), (reader.ReadString(), reader.ReadInt64()));
        Assert.Equal("uuid", reader.ReadString());
        Assert.Equal(16, reader.ReadBytes()!.Value.Length);
        Assert.Equal(("ts", 7L), (reader.ReadString(), reader.ReadInt64()));
        Assert.Equal("undefined", reader.ReadString());
        Assert.True(reader.TryReadNil());
        Assert.Equal(("regex", "/^a/i"), (reader.ReadString(), reader.ReadString()));
    }

    [Fact]
    public void Params_of_every_generated_task_are_documents_that_give_the_same_bytes_back()
    {
        foreach (var job in MongoGeneratedParams.All())
        {
            var view = MessagePackBson.ToBson(job.Params);
            Assert.Equal(BsonType.Document, view.BsonType);
            Assert.True(MessagePackBson.IsStorable(view));

            // Byte-exact except where BSON has no such type (float32); the store keeps the bytes then.
            var back = MessagePackBson.ToMessagePack(view);
            var (_, exact) = MessagePackBson.ToStorage(job.Params, new ArrayBufferWriter<byte>());
            Assert.Equal(exact, job.Params.Span.SequenceEqual(back));
            if (!MongoGeneratedParams.HasFloat32(job.Path))
            {
                Assert.True(exact, $"{job.Path}: {Convert.ToHexString(job.Params.Span)} came back as {Convert.ToHexString(back)}");
            }
        }
    }

    [Fact]
    public async Task Generated_tasks_receive_the_same_values_from_params_that_went_through_bson()
    {
        var expected = MongoGeneratedParams.ExpectedScalars;
        var (received, result) = await InvokeThroughBsonAsync(MongoGeneratedParams.Scalars());
        Assert.Equal(expected, received);
        Assert.Equal(expected, Tasks.ScalarsTask.GetResult(Succeeded(MongoGeneratedParams.Scalars(), result)));

        var (objects, objectsResult) = await InvokeThroughBsonAsync(MongoGeneratedParams.Objects());
        Assert.Equivalent(MongoGeneratedParams.ExpectedObjects, objects, strict: true);
        Assert.Equivalent(MongoGeneratedParams.ExpectedObjects, Tasks.ObjectsTask.GetResult(Succeeded(MongoGeneratedParams.Objects(), objectsResult)), strict: true);

        var (collections, collectionsResult) = await InvokeThroughBsonAsync(MongoGeneratedParams.Collections());
        Assert.Equivalent(MongoGeneratedParams.ExpectedCollections, collections, strict: true);
        Assert.Equivalent(MongoGeneratedParams.ExpectedCollections, Tasks.CollectionsTask.GetResult(Succeeded(MongoGeneratedParams.Collections(), collectionsResult)), strict: true);

        var (defaults, _) = await InvokeThroughBsonAsync(Tasks.DefaultsTask.Job(1, 3, "y", Priority.Low, 2.25m, 0.5));
        Assert.Equal("1|3|y|Low|2.25|0.5", defaults);
    }

    [Fact]
    public void Sub_millisecond_dates_and_floats_of_generated_params_still_come_back_byte_for_byte_through_a_stored_document()
    {
        var job = Tasks.WireTask.Job(
            7, 1.10m, 'x', Guid.Empty, DateTimeOffset.UnixEpoch, TimeSpan.Zero, Priority.Low,
            new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1), "s", 0.1f);
        var info = new JobInfo { Id = JobId.NewId(), Path = job.Path, Queue = job.Queue, Status = JobStatus.Queued, Params = job.Params };

        var document = MongoJobQueries.JobDocument(info, new ArrayBufferWriter<byte>());

        Assert.True(document.Contains(MongoFields.ParamsMessagePack));
        Assert.Equal(7, document["params"]["n"].AsInt32);
        Assert.Equal(job.Params.ToArray(), MongoJobQueries.ReadJob(document).Params.ToArray());
    }

    private static async Task<(object? Received, byte[] Result)> InvokeThroughBsonAsync(JobRequest job)
    {
        var throughBson = MessagePackBson.ToMessagePack(MessagePackBson.ToBson(job.Params));
        Assert.True(TaskCatalog.TryFind(job.Path, out var task));
        var result = new ArrayBufferWriter<byte>();
        Received.Start();
        await task.Invoke(new TestJobContext(job.Path), throughBson, result);

        // The result goes through BSON too, as the store keeps it.
        var resultThroughBson = result.WrittenCount == 0 ? [] : MessagePackBson.ToMessagePack(MessagePackBson.ToBson(result.WrittenMemory));
        return (Received.Value, resultThroughBson);
    }

    private static JobInfo Succeeded(JobRequest job, byte[] result) => new()
    {
        Id = JobId.NewId(),
        Path = job.Path,
        Queue = job.Queue,
        Status = JobStatus.Success,
        Params = job.Params,
        Result = result,
    };

    private static BsonValue Bson(Writing write) => MessagePackBson.ToBson(Write(write));

    private static byte[] Write(Writing write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Deep(int levels)
    {
        var bytes = new byte[levels + 1];
        Array.Fill(bytes, (byte)0x91); // fixarray of one
        bytes[^1] = 0xC0;
        return bytes;
    }
}

/// <summary>Params of the generated test tasks, with values covering every supported param type.</summary>
internal static class MongoGeneratedParams
{
    private static readonly DateTime s_date = new(2024, 2, 29, 23, 59, 58, 123, DateTimeKind.Utc);

    public static Scalars ExpectedScalars { get; } = new(
        true, sbyte.MinValue, byte.MaxValue, short.MinValue, ushort.MaxValue, int.MinValue, uint.MaxValue, long.MinValue, ulong.MaxValue,
        1.5f, Math.PI, 79228162514264337593543950335m, "héllo ✓", null, 'é', Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), s_date,
        new DateTimeOffset(2024, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(-5.5)), new TimeSpan(-3, -4, -5, -6, -7),
        Priority.High, Delta.Min, 42, null, Priority.Low);

    public static Objects ExpectedObjects { get; } = new(
        new Customer("Ada", new Address("Main St", 12, ["Flat 3"]), [new Address("Side St", null, [])], new Dictionary<string, int> { ["a"] = 1, ["b"] = -2 })
        {
            Note = "vip",
            Visits = 0,
        },
        new Node { Value = 1, Children = [new Node { Value = 2 }, new Node { Value = 3, Children = [] }] },
        new Point(1.5, -2.5),
        new Point(3, 4),
        null,
        new MutablePoint { X = 5, Y = 6 },
        new Immutable("imm", 9),
        new WithRequired { Id = "r1", Size = 10 });

    public static Collections ExpectedCollections { get; } = new()
    {
        Array = [1, -2, 3],
        List = ["a", "b"],
        IList = [long.MaxValue],
        ICollection = [0.25, -1e300],
        IEnumerable = [1, 3, 5],
        IReadOnlyList = [new Point(1, 2)],
        IReadOnlyCollection = [Priority.Low, Priority.High],
        Dictionary = new() { ["x"] = 1 },
        IDictionary = new Dictionary<string, List<int>> { ["empty"] = [], ["full"] = [1, 2] },
        IReadOnlyDictionary = new Dictionary<string, Address?> { ["none"] = null, ["home"] = new Address("s", 1, ["l"]) },
        Jagged = [[1], [], [2, 3]],
        NullableItems = [1, null, 3],
        Bytes = [0, 255],
        NoList = null,
    };

    public static JobRequest Scalars()
    {
        var s = ExpectedScalars;
        return Tasks.ScalarsTask.Job(s.B, s.SB, s.By, s.S, s.US, s.I, s.UI, s.L, s.UL, s.F, s.D, s.M, s.Str, s.NullStr, s.C, s.G, s.Dt, s.Dto, s.Ts, s.P, s.Delta, s.NI, s.NullInt, s.NP);
    }

    public static JobRequest Objects()
    {
        var o = ExpectedObjects;
        return Tasks.ObjectsTask.Job(o.Customer, o.Tree, o.Point, o.MaybePoint, o.NoPoint, o.Mutable, o.Immutable, o.Required);
    }

    public static JobRequest Collections()
    {
        var c = ExpectedCollections;
        return Tasks.CollectionsTask.Job(c.Array, c.List, c.IList, c.ICollection, c.IEnumerable, c.IReadOnlyList, c.IReadOnlyCollection, c.Dictionary, c.IDictionary, c.IReadOnlyDictionary, c.Jagged, c.NullableItems, c.Bytes, c.NoList);
    }

    /// <summary>Every generated task with params, once each.</summary>
    public static IEnumerable<JobRequest> All()
    {
        yield return Scalars();
        yield return Objects();
        yield return Collections();
        yield return Tasks.DefaultsTask.Job(1, 3, "y", Priority.Low, 2.25m, 0.5);
        yield return Tasks.DefaultsTask.Job(required: 1);
        yield return Tasks.NothingTask.Job();
        yield return Tasks.GreetTask.Job("Ada");
        yield return Tasks.DisposableTask.Job(41);
        yield return Tasks.WireTask.Job(42, 1.10m, 'é', Guid.Empty, DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(90), Priority.High, s_date, null, 0.5f);
    }

    /// <summary>Whether the task's params hold a float32 (BSON has only float64).</summary>
    public static bool HasFloat32(string path) => path is "tests.generated.Scalars" or "tests.generated.Wire";
}
