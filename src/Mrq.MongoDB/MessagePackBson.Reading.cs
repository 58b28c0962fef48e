using System.Buffers;
using System.Buffers.Binary;
using MessagePack;
using MongoDB.Bson;

namespace Mrq.MongoDB;

// MessagePack → BSON: one value at a time, from the reader.
internal static partial class MessagePackBson
{
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
}
