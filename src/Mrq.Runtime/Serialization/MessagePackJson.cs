using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MessagePack;

namespace Mrq.Serialization;

/// <summary>
/// Converts between the canonical MessagePack params/results and JSON, generically (no user types involved): for the
/// <c>run</c> command, params filters, the dashboard and logs. Timestamps become ISO 8601 strings, binary becomes base64.
/// </summary>
public static class MessagePackJson
{
    /// <summary>The JSON text of one MessagePack value.</summary>
    public static string ToJson(ReadOnlyMemory<byte> messagePack, bool indented = false)
    {
        var output = new ArrayBufferWriter<byte>(messagePack.Length * 2 + 16);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var reader = new MessagePackReader(messagePack);
            WriteValue(ref reader, writer);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>The MessagePack bytes of a JSON text; throws <see cref="JsonException"/> for invalid JSON.</summary>
    public static byte[] FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromJson(document.RootElement);
    }

    /// <summary>The MessagePack bytes of a JSON value.</summary>
    public static byte[] FromJson(JsonElement element)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(output);
        WriteJson(ref writer, element);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads the entries of a MessagePack map as (key, JSON of the value) pairs.</summary>
    public static Dictionary<string, string> MapToJsonEntries(ReadOnlyMemory<byte> messagePack)
    {
        var reader = new MessagePackReader(messagePack);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            return result;
        }

        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() ?? "" : ScalarKey(ref reader);
            var start = reader.Position;
            reader.Skip();
            result[key] = ToJson(messagePack.Slice((int)reader.Sequence.Slice(0, start).Length, (int)reader.Sequence.Slice(start, reader.Position).Length));
        }

        return result;
    }

    private static string ScalarKey(ref MessagePackReader reader)
    {
        var output = new ArrayBufferWriter<byte>(16);
        using (var writer = new Utf8JsonWriter(output))
        {
            WriteValue(ref reader, writer);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static void WriteValue(ref MessagePackReader reader, Utf8JsonWriter writer)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                writer.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                writer.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Integer:
                if (reader.NextCode == MessagePackCode.UInt64)
                {
                    writer.WriteNumberValue(reader.ReadUInt64());
                }
                else
                {
                    writer.WriteNumberValue(reader.ReadInt64());
                }

                break;
            case MessagePackType.Float:
                var value = reader.ReadDouble();
                if (double.IsFinite(value))
                {
                    writer.WriteNumberValue(value);
                }
                else
                {
                    writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case MessagePackType.String:
                writer.WriteStringValue(reader.ReadString());
                break;
            case MessagePackType.Binary:
                var bytes = reader.ReadBytes();
                writer.WriteBase64StringValue(bytes.HasValue ? bytes.Value.ToArray() : []);
                break;
            case MessagePackType.Array:
                var length = reader.ReadArrayHeader();
                writer.WriteStartArray();
                for (var i = 0; i < length; i++)
                {
                    WriteValue(ref reader, writer);
                }

                writer.WriteEndArray();
                break;
            case MessagePackType.Map:
                var count = reader.ReadMapHeader();
                writer.WriteStartObject();
                for (var i = 0; i < count; i++)
                {
                    writer.WritePropertyName(reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() ?? "" : ScalarKey(ref reader));
                    WriteValue(ref reader, writer);
                }

                writer.WriteEndObject();
                break;
            case MessagePackType.Extension:
                if (reader.NextCode is MessagePackCode.FixExt4 or MessagePackCode.FixExt8 or MessagePackCode.Ext8)
                {
                    var copy = reader.CreatePeekReader();
                    var header = copy.ReadExtensionFormatHeader();
                    if (header.TypeCode == ReservedMessagePackExtensionTypeCode.DateTime)
                    {
                        writer.WriteStringValue(reader.ReadDateTime().ToString("O", CultureInfo.InvariantCulture));
                        break;
                    }
                }

                var extension = reader.ReadExtensionFormat();
                writer.WriteBase64StringValue(extension.Data.ToArray());
                break;
            default:
                throw new MessagePackSerializationException($"Unexpected MessagePack code {reader.NextCode}.");
        }
    }

    private static void WriteJson(ref MessagePackWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = 0;
                foreach (var _ in element.EnumerateObject())
                {
                    properties++;
                }

                writer.WriteMapHeader(properties);
                foreach (var property in element.EnumerateObject())
                {
                    writer.Write(property.Name);
                    WriteJson(ref writer, property.Value);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    WriteJson(ref writer, item);
                }

                break;
            case JsonValueKind.String:
                writer.Write(element.GetString());
                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var integer))
                {
                    writer.Write(integer);
                }
                else if (element.TryGetUInt64(out var unsigned))
                {
                    writer.Write(unsigned);
                }
                else
                {
                    writer.Write(element.GetDouble());
                }

                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }
}
