using System.Buffers;
using MessagePack;
using MongoDB.Bson;

namespace Mrq.MongoDB;

/// <summary>
/// Converts Mrq's MessagePack params and results to BSON values and back, by walking the bytes with
/// <see cref="MessagePackReader"/> / <see cref="MessagePackWriter"/> (no reflection, no serializer lookup), so the
/// <c>params</c> and <c>result</c> fields of <c>mrq_jobs</c> are real documents that MRQ's dashboard and ad-hoc queries
/// can read.
/// </summary>
/// <remarks>
/// <para>MessagePack → BSON:</para>
/// <list type="bullet">
/// <item>nil → null; bool → boolean; str → string; bin → binary (subtype 0).</item>
/// <item>Integers → int32 when they fit, else int64; an unsigned 64-bit integer above <see cref="long.MaxValue"/>
/// (BSON has no unsigned type) → decimal128, which holds it exactly and still compares as a number.</item>
/// <item>float32 and float64 → double (float32 widens exactly).</item>
/// <item>array → array; map → document (keys must be strings without NUL; duplicate keys are refused).</item>
/// <item>The timestamp extension (type −1) → datetime, which keeps milliseconds: finer digits are dropped.</item>
/// <item>Any other extension → binary of the user-defined subtype 0x80 whose first byte is the extension type.</item>
/// </list>
/// <para>BSON → MessagePack writes the canonical (shortest) encoding MessagePackWriter uses: int32/int64 as the
/// smallest integer, double as float64, datetime as the smallest timestamp form, decimal128 as an unsigned 64-bit
/// integer when it is one (otherwise a signed integer, or its text when it is not integral, which Mrq's decimal reader
/// accepts), ObjectId as its 24 hex digits, binary (other subtypes) as bin, and the remaining rare BSON types (regex,
/// JavaScript, symbol, timestamp, min/max key, undefined) as their text or nil.</para>
/// <para>So MessagePack → BSON → MessagePack gives back the same bytes for canonical input whose timestamps are whole
/// milliseconds and whose floats are float64; it gives back the same <i>values</i> for float32 (read back as float64)
/// and for non-canonical integer encodings. The job store keeps the original bytes beside the BSON whenever the round
/// trip would not reproduce them (see <see cref="ToStorage"/>).</para>
/// </remarks>
internal static partial class MessagePackBson
{
    /// <summary>The deepest nesting converted (MongoDB refuses documents nested deeper than 100 levels).</summary>
    public const int MaxDepth = 100;

    /// <summary>The MessagePack extension type of timestamps.</summary>
    public const sbyte TimestampExtension = -1;

    /// <summary>The BSON binary subtype holding other MessagePack extensions: the type byte, then the payload.</summary>
    public const BsonBinarySubType ExtensionSubType = BsonBinarySubType.UserDefined;

    /// <summary>
    /// Converts exactly one MessagePack value to BSON; throws <see cref="MessagePackBsonException"/> when the bytes are
    /// not one well-formed value or hold something BSON cannot represent.
    /// </summary>
    public static BsonValue ToBson(ReadOnlyMemory<byte> messagePack)
    {
        var reader = new MessagePackReader(messagePack);
        try
        {
            var value = ReadValue(ref reader, 0);
            if (!reader.End)
            {
                throw new MessagePackBsonException($"{messagePack.Length - reader.Consumed} bytes follow the MessagePack value.");
            }

            return value;
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException or ArgumentException or InvalidOperationException)
        {
            throw new MessagePackBsonException($"Not a convertible MessagePack value: {e.Message}", e);
        }
    }

    /// <summary>Converts one BSON value to MessagePack bytes.</summary>
    public static byte[] ToMessagePack(BsonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        Write(ref writer, value, 0);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes one BSON value as MessagePack.</summary>
    public static void Write(ref MessagePackWriter writer, BsonValue value) => Write(ref writer, value, 0);

    /// <summary>
    /// What the store writes for MessagePack bytes: the BSON view (null when the bytes are not one convertible value, or
    /// the view would not be storable in MongoDB: a map key starting with <c>$</c> or holding a <c>.</c>), and whether the
    /// view alone gives the bytes back exactly. When it does not, the store also keeps the bytes themselves.
    /// </summary>
    public static (BsonValue? View, bool Exact) ToStorage(ReadOnlyMemory<byte> messagePack, ArrayBufferWriter<byte> scratch)
    {
        BsonValue view;
        try
        {
            view = ToBson(messagePack);
        }
        catch (MessagePackBsonException)
        {
            return (null, false);
        }

        if (!IsStorable(view, 0))
        {
            return (null, false);
        }

        scratch.Clear();
        var writer = new MessagePackWriter(scratch);
        Write(ref writer, view, 0);
        writer.Flush();
        return (view, scratch.WrittenSpan.SequenceEqual(messagePack.Span));
    }

    /// <summary>
    /// Whether MongoDB stores <paramref name="value"/> as it is: no field name, at any depth, starts with <c>$</c> or
    /// contains a <c>.</c> (servers before 5.0 refuse them, and later ones cannot update or query them simply).
    /// </summary>
    public static bool IsStorable(BsonValue value) => IsStorable(value, 0);

    private static bool IsStorable(BsonValue value, int depth)
    {
        switch (value.BsonType)
        {
            case BsonType.Document:
                foreach (var element in value.AsBsonDocument)
                {
                    if (element.Name.StartsWith('$') || element.Name.Contains('.', StringComparison.Ordinal) || !IsStorable(element.Value, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            case BsonType.Array:
                foreach (var item in value.AsBsonArray)
                {
                    if (!IsStorable(item, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }
}
