using System.Buffers;
using System.ComponentModel;

namespace Mrq.Infrastructure;

/// <summary>
/// The per-thread buffer generated <c>Job(...)</c> methods serialize params into, so making a job allocates only its
/// exact-size byte array. Called by generated code; not for hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParamsBuffer
{
    // Buffers that grew past this (huge params) are dropped rather than kept alive by the thread.
    private const int MaxRetainedCapacity = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_threadBuffer;

    /// <summary>The params of a task without params: an empty MessagePack map.</summary>
    public static ReadOnlyMemory<byte> EmptyMap { get; } = new byte[] { 0x80 };

    /// <summary>Takes the thread's buffer (a new one if it is in use, so nested calls are safe).</summary>
    public static ArrayBufferWriter<byte> Rent()
    {
        var buffer = s_threadBuffer ?? new ArrayBufferWriter<byte>(256);
        s_threadBuffer = null;
        return buffer;
    }

    /// <summary>Copies what was written into a new array and gives the buffer back to the thread.</summary>
    public static byte[] ToArrayAndReturn(ArrayBufferWriter<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity <= MaxRetainedCapacity)
        {
            buffer.ResetWrittenCount();
            s_threadBuffer = buffer;
        }

        return bytes;
    }
}
