using System.Buffers.Text;
using System.Text;

namespace Mrq.Redis;

/// <summary>
/// The reply of the dequeue scripts (<see cref="RedisRawScripts"/>): the taken items as <c>&lt;byte length&gt;:&lt;bytes&gt;</c>,
/// one after the other, in one bulk string.
/// </summary>
internal static class RawReply
{
    /// <summary>Appends each item of <paramref name="reply"/> to <paramref name="into"/> as a string; returns how many.</summary>
    /// <exception cref="InvalidDataException">The reply is not in that form (a script of another version).</exception>
    public static int Decode(ReadOnlyMemory<byte> reply, List<string> into)
    {
        var rest = reply.Span;
        var count = 0;
        while (!rest.IsEmpty)
        {
            if (!Utf8Parser.TryParse(rest, out int length, out var digits) || digits >= rest.Length || rest[digits] != (byte)':' || length < 0 || length > rest.Length - digits - 1)
            {
                throw new InvalidDataException($"Unexpected reply from a raw-queue dequeue script at byte {reply.Length - rest.Length} of {reply.Length}.");
            }

            rest = rest[(digits + 1)..];
            into.Add(Encoding.UTF8.GetString(rest[..length]));
            rest = rest[length..];
            count++;
        }

        return count;
    }
}
