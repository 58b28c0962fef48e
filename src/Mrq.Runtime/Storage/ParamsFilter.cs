using Mrq.Serialization;

namespace Mrq.Storage;

/// <summary>
/// The params criterion of a <see cref="JobFilter"/> (<c>{"n": 42}</c>): each wanted entry must be in the job's params
/// with the same JSON value. Every store compares on the client from the MessagePack params, so all stores select the
/// same jobs whatever types they store params with.
/// </summary>
public static class ParamsFilter
{
    /// <summary>The wanted entries as key → JSON of the value; throws <see cref="ArgumentException"/> for invalid JSON.</summary>
    public static Dictionary<string, string> Parse(string json)
    {
        byte[] messagePack;
        try
        {
            messagePack = MessagePackJson.FromJson(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"The params filter is not valid JSON: {e.Message}", nameof(json), e);
        }

        return MessagePackJson.MapToJsonEntries(messagePack);
    }

    /// <summary>
    /// The wanted entries of <paramref name="filter"/>'s params criterion, or null when it has none; throws
    /// <see cref="ArgumentException"/> for invalid JSON. Every store parses it this way before it reads anything.
    /// </summary>
    public static Dictionary<string, string>? Of(JobFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter.Params is { } json ? Parse(json) : null;
    }

    /// <summary>Whether the MessagePack params hold every wanted entry.</summary>
    public static bool Matches(ReadOnlyMemory<byte> messagePack, Dictionary<string, string> wanted)
    {
        Dictionary<string, string> actual;
        try
        {
            actual = MessagePackJson.MapToJsonEntries(messagePack);
        }
        catch (Exception e) when (e is MessagePack.MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            return false;
        }

        foreach (var (key, value) in wanted)
        {
            if (!actual.TryGetValue(key, out var found) || found != value)
            {
                return false;
            }
        }

        return true;
    }
}
