namespace Mrq.Tests.Telemetry;

/// <summary>
/// Just enough of the protobuf wire format to read OTLP requests: walks the fields of one message (varint, fixed64,
/// length-delimited and fixed32 values), so the tests need no generated OTLP classes.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> message)
{
    private readonly ReadOnlySpan<byte> _message = message;
    private int _position;

    public int Field { get; private set; }

    public int WireType { get; private set; }

    public ulong Varint { get; private set; }

    public ReadOnlySpan<byte> Bytes { get; private set; }

    /// <summary>Reads the next field; false at the end of the message.</summary>
    public bool Next()
    {
        if (_position >= _message.Length)
        {
            return false;
        }

        var key = ReadVarint();
        Field = (int)(key >> 3);
        WireType = (int)(key & 7);
        switch (WireType)
        {
            case 0:
                Varint = ReadVarint();
                break;
            case 1:
                Varint = BitConverter.ToUInt64(_message.Slice(_position, 8));
                _position += 8;
                break;
            case 2:
                var length = (int)ReadVarint();
                Bytes = _message.Slice(_position, length);
                _position += length;
                break;
            case 5:
                Varint = BitConverter.ToUInt32(_message.Slice(_position, 4));
                _position += 4;
                break;
            default:
                throw new InvalidDataException($"Unsupported protobuf wire type {WireType}.");
        }

        return true;
    }

    public readonly string String => System.Text.Encoding.UTF8.GetString(Bytes);

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = _message[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
