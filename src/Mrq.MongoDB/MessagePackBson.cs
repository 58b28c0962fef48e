using System.Buffers;
using System.Buffers.Binary;
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
internal static class MessagePackBson
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

    private static BsonValue ReadValue(ref MessagePackReader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new MessagePackBsonException($"The value is nested deeper than {MaxDepth} levels.");
        }

        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return BsonNull.Value;
            case MessagePackType.Boolean:
                return reader.ReadBoolean() ? BsonBoolean.True : BsonBoolean.False;
            case MessagePackType.Integer:
                return ReadInteger(ref reader);
            case MessagePackType.Float:
                return new BsonDouble(reader.NextCode == MessagePackCode.Float32 ? reader.ReadSingle() : reader.ReadDouble());
            case MessagePackType.String:
                return new BsonString(reader.ReadString()!);
            case MessagePackType.Binary:
                return new BsonBinaryData(reader.ReadBytes()!.Value.ToArray(), BsonBinarySubType.Binary);
            case MessagePackType.Array:
            {
                var count = reader.ReadArrayHeader();
                var array = new BsonArray(count);
                for (var i = 0; i < count; i++)
                {
                    array.Add(ReadValue(ref reader, depth + 1));
                }

                return array;
            }

            case MessagePackType.Map:
            {
                var count = reader.ReadMapHeader();
                var document = new BsonDocument(allowDuplicateNames: false);
                for (var i = 0; i < count; i++)
                {
                    if (reader.NextMessagePackType != MessagePackType.String)
                    {
                        throw new MessagePackBsonException($"A map key is {reader.NextMessagePackType}; BSON documents need string keys.");
                    }

                    var key = reader.ReadString()!;
                    if (key.Contains('\0', StringComparison.Ordinal))
                    {
                        throw new MessagePackBsonException("A map key contains a NUL character, which BSON field names cannot hold.");
                    }

                    if (document.Contains(key))
                    {
                        throw new MessagePackBsonException($"The map key '{key}' appears twice.");
                    }

                    document.Add(key, ReadValue(ref reader, depth + 1));
                }

                return document;
            }

            case MessagePackType.Extension:
                return ReadExtension(ref reader);
            default:
                throw new MessagePackBsonException($"Unknown MessagePack code 0x{reader.NextCode:X2}.");
        }
    }

    private static BsonValue ReadInteger(ref MessagePackReader reader)
    {
        if (reader.NextCode == MessagePackCode.UInt64)
        {
            var unsigned = reader.ReadUInt64();
            return unsigned <= long.MaxValue ? FromInt64((long)unsigned) : new BsonDecimal128(new Decimal128(unsigned));
        }

        return FromInt64(reader.ReadInt64());
    }

    private static BsonValue FromInt64(long value) =>
        value is >= int.MinValue and <= int.MaxValue ? new BsonInt32((int)value) : new BsonInt64(value);

    private static BsonValue ReadExtension(ref MessagePackReader reader)
    {
        var header = reader.ReadExtensionFormatHeader();
        var payload = reader.ReadRaw(header.Length);
        if (header.TypeCode != TimestampExtension)
        {
            var bytes = new byte[1 + header.Length];
            bytes[0] = unchecked((byte)header.TypeCode);
            payload.CopyTo(bytes.AsSpan(1));
            return new BsonBinaryData(bytes, ExtensionSubType);
        }

        Span<byte> data = stackalloc byte[12];
        if (header.Length is not (4 or 8 or 12))
        {
            throw new MessagePackBsonException($"A timestamp extension has {header.Length} bytes; expected 4, 8 or 12.");
        }

        payload.CopyTo(data);
        long seconds;
        uint nanoseconds;
        switch (header.Length)
        {
            case 4:
                seconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                nanoseconds = 0;
                break;
            case 8:
                var data64 = BinaryPrimitives.ReadUInt64BigEndian(data);
                nanoseconds = (uint)(data64 >> 34);
                seconds = (long)(data64 & 0x3_FFFF_FFFFUL);
                break;
            default:
                nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                seconds = BinaryPrimitives.ReadInt64BigEndian(data[4..]);
                break;
        }

        if (nanoseconds >= 1_000_000_000)
        {
            throw new MessagePackBsonException($"A timestamp has {nanoseconds} nanoseconds; at most 999999999 are valid.");
        }

        // BSON dates are milliseconds: finer digits are dropped (the store keeps the bytes when that loses anything).
        return new BsonDateTime(checked((seconds * 1000) + (nanoseconds / 1_000_000)));
    }

    private static void Write(ref MessagePackWriter writer, BsonValue value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new MessagePackBsonException($"The value is nested deeper than {MaxDepth} levels.");
        }

        switch (value.BsonType)
        {
            case BsonType.Null:
            case BsonType.Undefined:
            case BsonType.MinKey:
            case BsonType.MaxKey:
                writer.WriteNil();
                break;
            case BsonType.Boolean:
                writer.Write(value.AsBoolean);
                break;
            case BsonType.Int32:
                writer.Write(value.AsInt32);
                break;
            case BsonType.Int64:
                writer.Write(value.AsInt64);
                break;
            case BsonType.Double:
                writer.Write(value.AsDouble);
                break;
            case BsonType.Decimal128:
                WriteDecimal128(ref writer, value.AsDecimal128);
                break;
            case BsonType.String:
                writer.Write(value.AsString);
                break;
            case BsonType.Binary:
                WriteBinary(ref writer, value.AsBsonBinaryData);
                break;
            case BsonType.DateTime:
                WriteTimestamp(ref writer, value.AsBsonDateTime.MillisecondsSinceEpoch);
                break;
            case BsonType.Array:
            {
                var array = value.AsBsonArray;
                writer.WriteArrayHeader(array.Count);
                foreach (var item in array)
                {
                    Write(ref writer, item, depth + 1);
                }

                break;
            }

            case BsonType.Document:
            {
                var document = value.AsBsonDocument;
                writer.WriteMapHeader(document.ElementCount);
                foreach (var element in document)
                {
                    writer.Write(element.Name);
                    Write(ref writer, element.Value, depth + 1);
                }

                break;
            }

            case BsonType.ObjectId:
                writer.Write(value.AsObjectId.ToString());
                break;
            case BsonType.Timestamp:
                writer.Write(value.AsBsonTimestamp.Value);
                break;
            case BsonType.RegularExpression:
            {
                var regex = value.AsBsonRegularExpression;
                writer.Write($"/{regex.Pattern}/{regex.Options}");
                break;
            }

            case BsonType.JavaScript:
                writer.Write(value.AsBsonJavaScript.Code);
                break;
            case BsonType.JavaScriptWithScope:
                writer.Write(value.AsBsonJavaScriptWithScope.Code);
                break;
            case BsonType.Symbol:
                writer.Write(value.AsBsonSymbol.Name);
                break;
            default:
                writer.Write(value.ToString());
                break;
        }
    }

    private static void WriteDecimal128(ref MessagePackWriter writer, Decimal128 value)
    {
        if (!Decimal128.IsNaN(value) && !Decimal128.IsInfinity(value))
        {
            try
            {
                var number = Decimal128.ToDecimal(value);
                if (number == decimal.Truncate(number))
                {
                    if (number >= 0 && number <= ulong.MaxValue)
                    {
                        writer.Write((ulong)number);
                        return;
                    }

                    if (number >= long.MinValue && number <= long.MaxValue)
                    {
                        writer.Write((long)number);
                        return;
                    }
                }
            }
            catch (OverflowException)
            {
                // Beyond System.Decimal: written as text below.
            }
        }

        writer.Write(value.ToString());
    }

    private static void WriteBinary(ref MessagePackWriter writer, BsonBinaryData binary)
    {
        var bytes = binary.Bytes;
        if (binary.SubType == ExtensionSubType && bytes.Length >= 1)
        {
            writer.WriteExtensionFormatHeader(new ExtensionHeader(unchecked((sbyte)bytes[0]), bytes.Length - 1));
            writer.WriteRaw(bytes.AsSpan(1));
            return;
        }

        writer.Write(bytes.AsSpan());
    }

    /// <summary>Writes unix milliseconds as the timestamp extension in the shortest form (what MessagePackWriter writes for a DateTime).</summary>
    private static void WriteTimestamp(ref MessagePackWriter writer, long milliseconds)
    {
        var seconds = Math.DivRem(milliseconds, 1000, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += 1000;
        }

        var nanoseconds = remainder * 1_000_000;
        if ((seconds >> 34) == 0)
        {
            var data64 = ((ulong)nanoseconds << 34) | (ulong)seconds;
            if ((data64 & 0xFFFF_FFFF_0000_0000UL) == 0)
            {
                writer.WriteExtensionFormatHeader(new ExtensionHeader(TimestampExtension, 4));
                BinaryPrimitives.WriteUInt32BigEndian(writer.GetSpan(4), (uint)data64);
                writer.Advance(4);
            }
            else
            {
                writer.WriteExtensionFormatHeader(new ExtensionHeader(TimestampExtension, 8));
                BinaryPrimitives.WriteUInt64BigEndian(writer.GetSpan(8), data64);
                writer.Advance(8);
            }

            return;
        }

        writer.WriteExtensionFormatHeader(new ExtensionHeader(TimestampExtension, 12));
        var span = writer.GetSpan(12);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)nanoseconds);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], seconds);
        writer.Advance(12);
    }
}

/// <summary>MessagePack that has no BSON equivalent, or is not one well-formed MessagePack value.</summary>
internal sealed class MessagePackBsonException : Exception
{
    public MessagePackBsonException(string message)
        : base(message)
    {
    }

    public MessagePackBsonException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MessagePackBsonException()
    {
    }
}
