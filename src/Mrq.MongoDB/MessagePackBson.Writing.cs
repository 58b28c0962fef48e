using System.Buffers.Binary;
using MessagePack;
using MongoDB.Bson;

namespace Mrq.MongoDB;

// BSON → MessagePack: the canonical (shortest) encoding, one value at a time.
internal static partial class MessagePackBson
{
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
