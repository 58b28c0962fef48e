using System.Buffers;
using System.Buffers.Text;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using MessagePack;

namespace Mrq.Infrastructure;

/// <summary>
/// The scalar encodings of Mrq's wire format that MessagePack has no native type for, kept JSON-like so every store
/// and the dashboard can convert them: decimal, char, Guid, DateTimeOffset and TimeSpan are strings (invariant culture;
/// Guid "D", DateTimeOffset ISO 8601 "O", TimeSpan "c"). Readers are lenient where that is free (a decimal may also be
/// a number). Called by generated code; not for hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MrqWire
{
    // The longest text accepted for a Guid, DateTimeOffset or TimeSpan: far above any valid one.
    private const int MaxScalarTextLength = 128;

    /// <summary>Reads the header of a params map: empty input and nil count as an empty map.</summary>
    public static int ReadParamsHeader(ref MessagePackReader reader) =>
        reader.End || reader.TryReadNil() ? 0 : reader.ReadMapHeader();

    /// <summary>Reads a map key (a param or property name) as UTF-8, without allocating when the input is contiguous.</summary>
    public static ReadOnlySpan<byte> ReadKey(ref MessagePackReader reader)
    {
        if (reader.TryReadStringSpan(out var key))
        {
            return key;
        }

        var sequence = reader.ReadStringSequence() ?? throw new MessagePackSerializationException("A map key is nil; expected a string.");
        return sequence.ToArray();
    }

    /// <summary>Reads a dictionary key, which must be a string.</summary>
    public static string ReadDictionaryKey(ref MessagePackReader reader) =>
        reader.ReadString() ?? throw new MessagePackSerializationException("A dictionary key is nil; expected a string.");

    /// <summary>Writes a decimal as its invariant string, which keeps every digit.</summary>
    public static void WriteDecimal(ref MessagePackWriter writer, decimal value)
    {
        Span<byte> text = stackalloc byte[64];
        _ = value.TryFormat(text, out var written, default, CultureInfo.InvariantCulture);
        WriteUtf8(ref writer, text[..written]);
    }

    /// <summary>Reads a decimal from a string or any number.</summary>
    public static decimal ReadDecimal(ref MessagePackReader reader) => reader.NextMessagePackType switch
    {
        MessagePackType.String => decimal.Parse(ReadUtf8(ref reader, "a decimal"), NumberStyles.Float, CultureInfo.InvariantCulture),
        MessagePackType.Integer when reader.NextCode == MessagePackCode.UInt64 => reader.ReadUInt64(),
        MessagePackType.Integer => reader.ReadInt64(),
        MessagePackType.Float => (decimal)reader.ReadDouble(),
        var other => throw Unexpected("a decimal (a string or a number)", other),
    };

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
            return reader.ReadChar();
        }

        var text = ReadUtf8(ref reader, "a char");
        Span<char> chars = stackalloc char[2];
        if (text.Length > 4 || Encoding.UTF8.GetChars(text, chars) != 1)
        {
            throw new FormatException($"Expected a string of one character, not '{Encoding.UTF8.GetString(text)}'.");
        }

        return chars[0];
    }

    /// <summary>Writes a Guid as a string in the "D" format.</summary>
    public static void WriteGuid(ref MessagePackWriter writer, Guid value)
    {
        Span<byte> text = stackalloc byte[36];
        _ = value.TryFormat(text, out var written, "D");
        WriteUtf8(ref writer, text[..written]);
    }

    /// <summary>Reads a Guid from a string ("D", or any format <see cref="Guid.Parse(ReadOnlySpan{char})"/> accepts).</summary>
    public static Guid ReadGuid(ref MessagePackReader reader)
    {
        var text = ReadUtf8(ref reader, "a Guid");
        if (Utf8Parser.TryParse(text, out Guid value, out var consumed, 'D') && consumed == text.Length)
        {
            return value;
        }

        Span<char> chars = stackalloc char[MaxScalarTextLength];
        return Guid.Parse(Decode(text, chars));
    }

    /// <summary>Writes a DateTimeOffset as an ISO 8601 string with its offset ("O").</summary>
    public static void WriteDateTimeOffset(ref MessagePackWriter writer, DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[64];
        _ = value.TryFormat(text, out var written, "O", CultureInfo.InvariantCulture);
        WriteUtf8(ref writer, text[..written]);
    }

    /// <summary>Reads a DateTimeOffset from an ISO 8601 string; without an offset it is taken as UTC.</summary>
    public static DateTimeOffset ReadDateTimeOffset(ref MessagePackReader reader)
    {
        var text = ReadUtf8(ref reader, "a DateTimeOffset");
        Span<char> chars = stackalloc char[MaxScalarTextLength];
        return DateTimeOffset.Parse(Decode(text, chars), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    /// <summary>Writes a TimeSpan as a string in the constant format ("c": <c>[-][d.]hh:mm:ss[.fffffff]</c>).</summary>
    public static void WriteTimeSpan(ref MessagePackWriter writer, TimeSpan value)
    {
        Span<byte> text = stackalloc byte[32];
        _ = value.TryFormat(text, out var written, "c", CultureInfo.InvariantCulture);
        WriteUtf8(ref writer, text[..written]);
    }

    /// <summary>Reads a TimeSpan from a string in the constant format.</summary>
    public static TimeSpan ReadTimeSpan(ref MessagePackReader reader)
    {
        var text = ReadUtf8(ref reader, "a TimeSpan");
        Span<char> chars = stackalloc char[MaxScalarTextLength];
        return TimeSpan.Parse(Decode(text, chars), CultureInfo.InvariantCulture);
    }

    // Copies into the writer's buffer: a stack-allocated span cannot be handed to the writer's own methods.
    private static void WriteUtf8(ref MessagePackWriter writer, scoped ReadOnlySpan<byte> text)
    {
        writer.WriteStringHeader(text.Length);
        text.CopyTo(writer.GetSpan(text.Length));
        writer.Advance(text.Length);
    }

    private static ReadOnlySpan<byte> ReadUtf8(ref MessagePackReader reader, string expected)
    {
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            throw Unexpected(expected + " as a string", reader.NextMessagePackType);
        }

        return reader.TryReadStringSpan(out var text) ? text : reader.ReadStringSequence()!.Value.ToArray();
    }

    private static ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8, Span<char> buffer)
    {
        if (utf8.Length > buffer.Length)
        {
            throw new FormatException($"The string is {utf8.Length} bytes long; at most {buffer.Length} are expected.");
        }

        return buffer[..Encoding.UTF8.GetChars(utf8, buffer)];
    }

    private static MessagePackSerializationException Unexpected(string expected, MessagePackType actual) =>
        new($"Expected {expected}, not {actual}.");
}
