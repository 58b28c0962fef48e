using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Mrq;

/// <summary>
/// A job's identity: 12 bytes laid out like a MongoDB ObjectId (4-byte creation time in seconds, 5 random bytes per
/// process, 3-byte counter), so the same id is valid in every job store and sorts by creation time.
/// </summary>
public readonly struct JobId : IEquatable<JobId>, IComparable<JobId>, ISpanFormattable
{
    /// <summary>The number of bytes in an id.</summary>
    public const int Size = 12;

    // Both from one Guid (its bytes 0-4 and 9-11 hold no version or variant bits): Guid.NewGuid is cryptographically
    // random and, unlike RandomNumberGenerator, does not load OpenSSL on Linux (about 4 MB of a native worker's
    // resident memory; see docs/benchmarks.md).
    private static readonly long s_processRandom = CreateProcessRandom(out s_counter);
    private static int s_counter;

    // Three big-endian words: comparing them in order compares the 12 bytes lexicographically.
    private readonly uint _time;
    private readonly uint _middle;
    private readonly uint _low;

    private JobId(uint time, uint middle, uint low)
    {
        _time = time;
        _middle = middle;
        _low = low;
    }

    /// <summary>Creates an id from its 12 bytes.</summary>
    public JobId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A job id has {Size} bytes, not {bytes.Length}.", nameof(bytes));
        }

        _time = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        _middle = BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]);
        _low = BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]);
    }

    /// <summary>The zero id, never handed out by <see cref="NewId()"/>.</summary>
    public static JobId Empty => default;

    /// <summary>The creation time, to the second.</summary>
    public DateTime CreationTime => DateTime.UnixEpoch.AddSeconds(_time);

    /// <summary>Creates a new id, unique across processes and machines with overwhelming probability.</summary>
    public static JobId NewId() => NewId(DateTime.UtcNow);

    /// <summary>Creates a new id whose time part is <paramref name="utcNow"/>.</summary>
    public static JobId NewId(DateTime utcNow)
    {
        var seconds = (uint)((utcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond);
        var counter = (uint)Interlocked.Increment(ref s_counter) & 0xFFFFFF;

        // Bytes 4..8 are the process random value, 9..11 the counter.
        var middle = (uint)(s_processRandom >> 8);
        var low = ((uint)(s_processRandom & 0xFF) << 24) | counter;
        return new JobId(seconds, middle, low);
    }

    /// <summary>Parses the 24 hexadecimal digits that <see cref="ToString()"/> writes.</summary>
    public static JobId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a job id (24 hexadecimal digits).");

    /// <summary>Parses the 24 hexadecimal digits that <see cref="ToString()"/> writes.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out JobId id)
    {
        Span<byte> bytes = stackalloc byte[Size];
        if (text is { Length: Size * 2 } && Convert.FromHexString(text, bytes, out _, out var written) == System.Buffers.OperationStatus.Done && written == Size)
        {
            id = new JobId(bytes);
            return true;
        }

        id = default;
        return false;
    }

    /// <summary>Writes the 12 bytes into <paramref name="destination"/>.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, _time);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], _middle);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], _low);
    }

    /// <summary>The 12 bytes as a new array.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[Size];
        WriteBytes(bytes);
        return bytes;
    }

    /// <inheritdoc/>
    public bool Equals(JobId other) => _time == other._time && _middle == other._middle && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is JobId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_time, _middle, _low);

    /// <inheritdoc/>
    public int CompareTo(JobId other)
    {
        var c = _time.CompareTo(other._time);
        if (c != 0)
        {
            return c;
        }

        c = _middle.CompareTo(other._middle);
        return c != 0 ? c : _low.CompareTo(other._low);
    }

    /// <summary>The 24 lower-case hexadecimal digits of the id.</summary>
    public override string ToString() => string.Create(Size * 2, this, static (chars, id) => id.TryFormat(chars, out _, default, null));

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < Size * 2)
        {
            charsWritten = 0;
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        WriteBytes(bytes);
        Convert.TryToHexStringLower(bytes, destination, out charsWritten);
        return true;
    }

    /// <summary>Equality of ids.</summary>
    public static bool operator ==(JobId left, JobId right) => left.Equals(right);

    /// <summary>Inequality of ids.</summary>
    public static bool operator !=(JobId left, JobId right) => !left.Equals(right);

    /// <summary>Ordering of ids.</summary>
    public static bool operator <(JobId left, JobId right) => left.CompareTo(right) < 0;

    /// <summary>Ordering of ids.</summary>
    public static bool operator >(JobId left, JobId right) => left.CompareTo(right) > 0;

    /// <summary>Ordering of ids.</summary>
    public static bool operator <=(JobId left, JobId right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering of ids.</summary>
    public static bool operator >=(JobId left, JobId right) => left.CompareTo(right) >= 0;

    private static long CreateProcessRandom(out int counterStart)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!Guid.NewGuid().TryWriteBytes(bytes))
        {
            throw new InvalidOperationException("A Guid has 16 bytes.");
        }

        counterStart = BinaryPrimitives.ReadInt32LittleEndian(bytes[9..]) & 0xFF_FFFF;
        return BinaryPrimitives.ReadInt64LittleEndian(bytes) & 0xFF_FFFF_FFFF;
    }
}
