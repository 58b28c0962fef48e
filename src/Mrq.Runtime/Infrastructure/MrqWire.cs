using System.Buffers;
using System.Buffers.Text;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using MessagePack;
using Mrq.Serialization;

namespace Mrq.Infrastructure;

/// <summary>
/// The scalar encodings of Mrq's wire format that MessagePack has no native type for, kept JSON-like so every store
/// and the dashboard can convert them: decimal, char, Guid, DateTimeOffset, TimeSpan, DateOnly and TimeOnly are strings
/// (invariant culture; Guid "D", DateTimeOffset ISO 8601 "O", TimeSpan "c", DateOnly "yyyy-MM-dd", TimeOnly
/// "HH:mm:ss.FFFFFFF"). Readers also take what params converted from JSON hold: ISO
/// 8601 strings for DateTime, enum names, numbers for decimals. Every reader checks the value's type first and reports a
/// mismatch in JSON terms (a <see cref="ParamValueException"/>), never as a MessagePack code. Called by generated code;
/// not for hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MrqWire
{
    // The longest text accepted for a Guid, DateTimeOffset or TimeSpan: far above any valid one.
    private const int MaxScalarTextLength = 128;

    // ISO 8601 as JSON writers produce it: date and time with an optional fraction and an optional offset or Z (taken as
    // UTC when absent), or a date alone.
    private static readonly string[] s_isoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd",
    ];

    private static readonly string[] s_timeFormats = ["HH:mm", "HH:mm:ss", "HH:mm:ss.FFFFFFF"];

    /// <summary>Reads the header of a params map: empty input and nil count as an empty map.</summary>
    public static int ReadParamsHeader(ref MessagePackReader reader)
    {
        if (reader.End || reader.TryReadNil())
        {
            return 0;
        }

        return reader.NextMessagePackType == MessagePackType.Map
            ? reader.ReadMapHeader()
            : throw Expected("a JSON object of params", ref reader);
    }

    /// <summary>Reads the header of an object's map.</summary>
    public static int ReadObjectHeader(ref MessagePackReader reader) =>
        reader.NextMessagePackType == MessagePackType.Map ? reader.ReadMapHeader() : throw Expected("a JSON object", ref reader);

    /// <summary>Reads the header of an array or list.</summary>
    public static int ReadArrayHeader(ref MessagePackReader reader) =>
        reader.NextMessagePackType == MessagePackType.Array ? reader.ReadArrayHeader() : throw Expected("a JSON array", ref reader);

    /// <summary>Reads a map key (a param or property name) as UTF-8, without allocating when the input is contiguous.</summary>
    public static ReadOnlySpan<byte> ReadKey(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            throw Expected("a string key", ref reader);
        }

        if (reader.TryReadStringSpan(out var key))
        {
            return key;
        }

        return reader.ReadStringSequence()!.Value.ToArray();
    }

    /// <summary>Reads a dictionary key, which must be a string.</summary>
    public static string ReadDictionaryKey(ref MessagePackReader reader) =>
        reader.NextMessagePackType == MessagePackType.String ? reader.ReadString()! : throw Expected("a string key", ref reader);

    /// <summary>An error for a key that is not a member of the object being read; <paramref name="known"/> lists the members.</summary>
    public static Exception UnknownMember(ReadOnlySpan<byte> key, string known) =>
        new ParamValueException($"unknown member \"{ValueText.Truncate(Encoding.UTF8.GetString(key), ValueText.MaxShownValueLength)}\" (the members are {known})");

    /// <summary>An error for a required member (non-nullable, no default) that the object's map does not have.</summary>
    public static Exception MissingMember(string member, string expected) =>
        new ParamValueException($"expected {expected}, but the member is missing", "." + member);

    /// <summary>Adds the member <paramref name="member"/> to the path of an error found while reading its value.</summary>
    public static Exception AtMember(Exception error, string member) => Prepend(error, "." + member);

    /// <summary>Adds the index <paramref name="index"/> to the path of an error found while reading an item.</summary>
    public static Exception AtIndex(Exception error, int index) => Prepend(error, "[" + index.ToString(CultureInfo.InvariantCulture) + "]");

    /// <summary>Adds the dictionary key <paramref name="key"/> to the path of an error found while reading its value.</summary>
    public static Exception AtKey(Exception error, string key) =>
        Prepend(error, "[\"" + ValueText.Truncate(key, ValueText.MaxShownValueLength) + "\"]");

    /// <summary>Checks that a param declared with a non-nullable reference type is not null.</summary>
    public static void RejectNull(ref MessagePackReader reader, string expected)
    {
        if (reader.NextMessagePackType == MessagePackType.Nil)
        {
            throw new ParamValueException($"expected {expected}, got null (the param is not nullable)");
        }
    }

    /// <summary>Reads a boolean.</summary>
    public static bool ReadBoolean(ref MessagePackReader reader) =>
        reader.NextMessagePackType == MessagePackType.Boolean ? reader.ReadBoolean() : throw Expected("true or false", ref reader);

    /// <summary>Reads an SByte.</summary>
    public static sbyte ReadSByte(ref MessagePackReader reader) => checked((sbyte)ReadInteger(ref reader, sbyte.MinValue, sbyte.MaxValue, "SByte"));

    /// <summary>Reads a Byte.</summary>
    public static byte ReadByte(ref MessagePackReader reader) => checked((byte)ReadInteger(ref reader, byte.MinValue, byte.MaxValue, "Byte"));

    /// <summary>Reads an Int16.</summary>
    public static short ReadInt16(ref MessagePackReader reader) => checked((short)ReadInteger(ref reader, short.MinValue, short.MaxValue, "Int16"));

    /// <summary>Reads a UInt16.</summary>
    public static ushort ReadUInt16(ref MessagePackReader reader) => checked((ushort)ReadInteger(ref reader, ushort.MinValue, ushort.MaxValue, "UInt16"));

    /// <summary>Reads an Int32.</summary>
    public static int ReadInt32(ref MessagePackReader reader) => checked((int)ReadInteger(ref reader, int.MinValue, int.MaxValue, "Int32"));

    /// <summary>Reads a UInt32.</summary>
    public static uint ReadUInt32(ref MessagePackReader reader) => checked((uint)ReadInteger(ref reader, uint.MinValue, uint.MaxValue, "UInt32"));

    /// <summary>Reads an Int64.</summary>
    public static long ReadInt64(ref MessagePackReader reader) => checked((long)ReadInteger(ref reader, long.MinValue, long.MaxValue, "Int64"));

    /// <summary>Reads a UInt64.</summary>
    public static ulong ReadUInt64(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType == MessagePackType.Integer && reader.NextCode == MessagePackCode.UInt64)
        {
            return reader.ReadUInt64();
        }

        return checked((ulong)ReadInteger(ref reader, 0, long.MaxValue, "UInt64"));
    }

    /// <summary>Reads a Single from any number.</summary>
    public static float ReadSingle(ref MessagePackReader reader) =>
        reader.NextMessagePackType is MessagePackType.Integer or MessagePackType.Float ? reader.ReadSingle() : throw Expected("a JSON number (Single)", ref reader);

    /// <summary>Reads a Double from any number.</summary>
    public static double ReadDouble(ref MessagePackReader reader) =>
        reader.NextMessagePackType is MessagePackType.Integer or MessagePackType.Float ? reader.ReadDouble() : throw Expected("a JSON number (Double)", ref reader);

    /// <summary>Reads a string or null.</summary>
    public static string? ReadString(ref MessagePackReader reader) =>
        reader.NextMessagePackType is MessagePackType.String or MessagePackType.Nil ? reader.ReadString() : throw Expected("a JSON string", ref reader);

    /// <summary>Writes a decimal as its invariant string, which keeps every digit.</summary>
    public static void WriteDecimal(ref MessagePackWriter writer, decimal value)
    {
        Span<byte> text = stackalloc byte[64];
        _ = value.TryFormat(text, out var written, default, CultureInfo.InvariantCulture);
        WriteUtf8(ref writer, text[..written]);
    }

    /// <summary>Reads a decimal from a string or any number.</summary>
    public static decimal ReadDecimal(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.String:
                var peek = reader.CreatePeekReader();
                Span<char> chars = stackalloc char[MaxScalarTextLength];
                var utf8 = ReadUtf8(ref reader);
                return utf8.Length <= chars.Length && decimal.TryParse(chars[..Encoding.UTF8.GetChars(utf8, chars)], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : throw Expected("a decimal number or a string holding one, such as \"12.50\"", ref peek);
            case MessagePackType.Integer when reader.NextCode == MessagePackCode.UInt64:
                return reader.ReadUInt64();
            case MessagePackType.Integer:
                return reader.ReadInt64();
            case MessagePackType.Float:
                var number = reader.CreatePeekReader();
                try
                {
                    return (decimal)reader.ReadDouble();
                }
                catch (OverflowException)
                {
                    throw Expected("a number within Decimal's range", ref number);
                }

            default:
                throw Expected("a JSON number or a string holding one (Decimal)", ref reader);
        }
    }

    /// <summary>Writes a char as a one-character string.</summary>
    public static void WriteChar(ref MessagePackWriter writer, char value)
    {
        Span<byte> text = stackalloc byte[4];
        var written = Encoding.UTF8.GetBytes(new ReadOnlySpan<char>(in value), text);
        WriteUtf8(ref writer, text[..written]);
    }

    /// <summary>Reads a char from a one-character string (or MessagePack-CSharp's integer encoding).</summary>
    public static char ReadChar(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType == MessagePackType.Integer)
        {
            return checked((char)ReadInteger(ref reader, char.MinValue, char.MaxValue, "Char"));
        }

        var peek = reader.CreatePeekReader();
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            throw Expected("a JSON string of one character", ref reader);
        }

        var text = ReadUtf8(ref reader);
        Span<char> chars = stackalloc char[2];
        return text.Length <= 4 && Encoding.UTF8.GetCharCount(text) == 1 && Encoding.UTF8.GetChars(text, chars) == 1
            ? chars[0]
            : throw Expected("a JSON string of one character", ref peek);
    }

    /// <summary>Writes a Guid as a string in the "D" format.</summary>
    public static void WriteGuid(ref MessagePackWriter writer, Guid value) => WriteFormatted(ref writer, value, "D");

    /// <summary>Reads a Guid from a string ("D", or any format <see cref="Guid.Parse(ReadOnlySpan{char})"/> accepts).</summary>
    public static Guid ReadGuid(ref MessagePackReader reader)
    {
        const string Expectation = "a Guid string such as \"0f8fad5b-d9cb-469f-a165-70867728950e\"";
        var peek = reader.CreatePeekReader();
        var text = ReadText(ref reader, Expectation);
        if (Utf8Parser.TryParse(text, out Guid value, out var consumed, 'D') && consumed == text.Length)
        {
            return value;
        }

        Span<char> chars = stackalloc char[MaxScalarTextLength];
        return text.Length <= chars.Length && Guid.TryParse(chars[..Encoding.UTF8.GetChars(text, chars)], out value)
            ? value
            : throw Expected(Expectation, ref peek);
    }

    /// <summary>Reads a DateTime (UTC) from MessagePack's timestamp or an ISO 8601 string; a string without offset is UTC.</summary>
    public static DateTime ReadDateTime(ref MessagePackReader reader) =>
        reader.NextMessagePackType == MessagePackType.Extension ? reader.ReadDateTime() : ReadIsoDate(ref reader, "DateTime").UtcDateTime;

    /// <summary>Writes a DateTimeOffset as an ISO 8601 string with its offset ("O").</summary>
    public static void WriteDateTimeOffset(ref MessagePackWriter writer, DateTimeOffset value) => WriteFormatted(ref writer, value, "O");

    /// <summary>Reads a DateTimeOffset from an ISO 8601 string (without an offset it is taken as UTC) or MessagePack's timestamp.</summary>
    public static DateTimeOffset ReadDateTimeOffset(ref MessagePackReader reader) =>
        reader.NextMessagePackType == MessagePackType.Extension ? new DateTimeOffset(reader.ReadDateTime()) : ReadIsoDate(ref reader, "DateTimeOffset");

    /// <summary>Writes a TimeSpan as a string in the constant format ("c": <c>[-][d.]hh:mm:ss[.fffffff]</c>).</summary>
    public static void WriteTimeSpan(ref MessagePackWriter writer, TimeSpan value) => WriteFormatted(ref writer, value, "c");

    /// <summary>Reads a TimeSpan from a string in the constant format.</summary>
    public static TimeSpan ReadTimeSpan(ref MessagePackReader reader) =>
        ReadParsedText(
            ref reader,
            "a TimeSpan string \"[-][d.]hh:mm:ss[.fffffff]\" such as \"01:30:00\"",
            static (ReadOnlySpan<char> text, out TimeSpan value) => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value));

    /// <summary>Writes a DateOnly as an ISO 8601 date string (<c>yyyy-MM-dd</c>).</summary>
    public static void WriteDateOnly(ref MessagePackWriter writer, DateOnly value) => WriteFormatted(ref writer, value, "yyyy-MM-dd");

    /// <summary>Reads a DateOnly from an ISO 8601 date string (<c>yyyy-MM-dd</c>).</summary>
    public static DateOnly ReadDateOnly(ref MessagePackReader reader) =>
        ReadParsedText(
            ref reader,
            "an ISO 8601 date string \"yyyy-MM-dd\" such as \"2026-12-04\"",
            static (ReadOnlySpan<char> text, out DateOnly value) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value));

    /// <summary>Writes a TimeOnly as a string <c>HH:mm:ss[.fffffff]</c> (the fraction only when there is one).</summary>
    public static void WriteTimeOnly(ref MessagePackWriter writer, TimeOnly value) => WriteFormatted(ref writer, value, "HH:mm:ss.FFFFFFF");

    /// <summary>Reads a TimeOnly from a string <c>HH:mm</c> or <c>HH:mm:ss[.fffffff]</c> (24-hour clock).</summary>
    public static TimeOnly ReadTimeOnly(ref MessagePackReader reader) =>
        ReadParsedText(
            ref reader,
            "a time string \"HH:mm[:ss[.fffffff]]\" such as \"14:30\"",
            static (ReadOnlySpan<char> text, out TimeOnly value) => TimeOnly.TryParseExact(text, s_timeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value));

    /// <summary>Whether the next value is a string (an enum given by name).</summary>
    public static bool IsString(ref MessagePackReader reader) => reader.NextMessagePackType == MessagePackType.String;

    /// <summary>Reads an enum given by one of its names, in any case.</summary>
    public static TEnum ReadEnumName<TEnum>(ref MessagePackReader reader)
        where TEnum : struct, Enum
    {
        var peek = reader.CreatePeekReader();
        var name = reader.ReadString();
        if (name is { Length: > 0 } && !char.IsDigit(name[0]) && name[0] != '-' && !char.IsWhiteSpace(name[0])
            && Enum.TryParse<TEnum>(name, ignoreCase: true, out var value))
        {
            return value;
        }

        throw Expected($"one of the names {string.Join(", ", Enum.GetNames<TEnum>())} (any case) or a number ({typeof(TEnum).Name})", ref peek);
    }

    /// <summary>A short JSON rendering of the next value, for messages (bounded; never throws).</summary>
    internal static string DescribeNext(ref MessagePackReader reader)
    {
        try
        {
            var type = reader.NextMessagePackType;
            var peek = reader.CreatePeekReader();
            var start = peek.Position;
            peek.Skip();
            var bytes = peek.Sequence.Slice(start, peek.Position);

            // A huge value is described by its size: converting it to JSON only to cut it would cost its whole size again.
            var json = bytes.Length > 16 * ValueText.MaxShownValueLength
                ? string.Create(CultureInfo.InvariantCulture, $"({bytes.Length:N0} bytes)")
                : ValueText.Truncate(MessagePackJson.ToJson(bytes.ToArray()), ValueText.MaxShownValueLength);
            // 1.0 converts to the JSON text 1: show that it was not an integer.
            if (type == MessagePackType.Float && !json.AsSpan().ContainsAny(".eEIN"))
            {
                json += ".0";
            }

            return type switch
            {
                MessagePackType.Nil => "null",
                MessagePackType.Boolean => json,
                MessagePackType.Integer or MessagePackType.Float => "the JSON number " + json,
                MessagePackType.String => "the JSON string " + json,
                MessagePackType.Array => "a JSON array " + json,
                MessagePackType.Map => "a JSON object " + json,
                MessagePackType.Extension when reader.NextCode is MessagePackCode.FixExt4 or MessagePackCode.FixExt8 or MessagePackCode.Ext8 => "the timestamp " + json,
                _ => "MessagePack " + type.ToString().ToLowerInvariant() + " data, which JSON does not have",
            };
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException or ArgumentException)
        {
            return "truncated or malformed data";
        }
    }

    private static Exception Prepend(Exception error, string segment) => error switch
    {
        ParamValueException value => new ParamValueException(value.Problem, segment + value.Path, value.InnerException),
        EndOfStreamException => new ParamValueException("the params end in the middle of this value (truncated data)", segment, error),
        _ => new ParamValueException(error.Message, segment, error),
    };

    private static long ReadInteger(ref MessagePackReader reader, long min, long max, string type)
    {
        if (reader.NextMessagePackType != MessagePackType.Integer)
        {
            throw Expected($"a JSON integer ({type})", ref reader);
        }

        var peek = reader.CreatePeekReader();
        long value;
        if (reader.NextCode == MessagePackCode.UInt64)
        {
            var unsigned = reader.ReadUInt64();
            value = unsigned <= long.MaxValue ? (long)unsigned : throw OutOfRange(ref peek, min, max, type);
        }
        else
        {
            value = reader.ReadInt64();
        }

        return value >= min && value <= max ? value : throw OutOfRange(ref peek, min, max, type);
    }

    private static ParamValueException OutOfRange(ref MessagePackReader peek, long min, long max, string type) =>
        Expected(string.Create(CultureInfo.InvariantCulture, $"a JSON integer from {min} to {(type == "UInt64" ? ulong.MaxValue.ToString(CultureInfo.InvariantCulture) : max.ToString(CultureInfo.InvariantCulture))} ({type})"), ref peek);

    private static DateTimeOffset ReadIsoDate(ref MessagePackReader reader, string type) =>
        ReadParsedText(
            ref reader,
            $"an ISO 8601 date string such as \"2026-12-04T20:30:00Z\" or \"2026-12-04T21:30:00+01:00\" ({type})",
            static (ReadOnlySpan<char> text, out DateTimeOffset value) => DateTimeOffset.TryParseExact(text, s_isoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value));

    // A value formatted as UTF-8 text (invariant culture); every format written here fits in 64 bytes.
    private static void WriteFormatted<T>(ref MessagePackWriter writer, T value, string format)
        where T : IUtf8SpanFormattable
    {
        Span<byte> text = stackalloc byte[64];
        _ = value.TryFormat(text, out var written, format, CultureInfo.InvariantCulture);
        WriteUtf8(ref writer, text[..written]);
    }

    // A string value parsed as text (at most MaxScalarTextLength characters), or the JSON-terms error.
    private static T ReadParsedText<T>(ref MessagePackReader reader, string expectation, TextParser<T> parse)
    {
        var peek = reader.CreatePeekReader();
        var text = ReadText(ref reader, expectation);
        Span<char> chars = stackalloc char[MaxScalarTextLength];
        return text.Length <= chars.Length && parse(chars[..Encoding.UTF8.GetChars(text, chars)], out var value)
            ? value
            : throw Expected(expectation, ref peek);
    }

    private static ParamValueException Expected(string expected, ref MessagePackReader reader) =>
        new($"expected {expected}, got {DescribeNext(ref reader)}");

    // Copies into the writer's buffer: a stack-allocated span cannot be handed to the writer's own methods.
    private static void WriteUtf8(ref MessagePackWriter writer, scoped ReadOnlySpan<byte> text)
    {
        writer.WriteStringHeader(text.Length);
        text.CopyTo(writer.GetSpan(text.Length));
        writer.Advance(text.Length);
    }

    private static ReadOnlySpan<byte> ReadText(ref MessagePackReader reader, string expected) =>
        reader.NextMessagePackType == MessagePackType.String ? ReadUtf8(ref reader) : throw Expected(expected, ref reader);

    private static ReadOnlySpan<byte> ReadUtf8(ref MessagePackReader reader) =>
        reader.TryReadStringSpan(out var text) ? text : reader.ReadStringSequence()!.Value.ToArray();

    private delegate bool TextParser<T>(ReadOnlySpan<char> text, out T value);
}
