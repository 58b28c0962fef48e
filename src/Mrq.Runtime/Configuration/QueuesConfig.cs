using System.Text.Json;

namespace Mrq.Configuration;

/// <summary>
/// MRQ's <c>QUEUES_CONFIG</c> config-file key: options per queue, which apply to the queue and its subqueues.
/// <list type="bullet">
/// <item><c>notify</c>: in MRQ it is off unless set; in Mrq every queue notifies (enqueuing wakes idle workers at once,
/// polling every <c>max_latency</c> stays the safety net), and <c>{"QUEUES_CONFIG": {"emails": {"notify": false}}}</c>
/// opts a queue out: its workers then only poll. <c>"notify": true</c> is accepted and changes nothing.</item>
/// <item><c>rate_limit</c> (Mrq's): <c>{"limit": 100, "per": 60}</c>, at most 100 jobs of the queue started per
/// minute across all workers (<see cref="QueueRateLimit"/>).</item>
/// </list>
/// </summary>
internal static class QueuesConfig
{
    private const string Key = "QUEUES_CONFIG";

    private const string Example = "{\"emails\": {\"notify\": true, \"rate_limit\": {\"limit\": 100, \"per\": 60}}}";

    /// <summary>The queues (roots) with <c>notify</c> off. A bad entry throws a message naming it.</summary>
    public static IReadOnlySet<string> QuietQueues(MrqSettings settings) => Read(settings).Quiet;

    /// <summary>The queues' rate limits, by queue (a root's applies to its subqueues). A bad entry throws a message naming it.</summary>
    public static IReadOnlyDictionary<string, QueueRateLimit> RateLimits(MrqSettings settings) => Read(settings).Limits;

    /// <summary>Whether enqueuing on <paramref name="queue"/> notifies (neither it nor its root has <c>notify: false</c>).</summary>
    public static bool Notifies(IReadOnlySet<string> quiet, string queue) =>
        quiet.Count == 0 || !(quiet.Contains(Storage.PausedQueues.Member(queue)) || quiet.Contains(Storage.PausedQueues.Root(queue)));

    /// <summary>The rate limit of <paramref name="queue"/>: its own entry's, else its root's; null when neither has one.</summary>
    public static QueueRateLimit? RateLimitOf(IReadOnlyDictionary<string, QueueRateLimit> limits, string queue) =>
        limits.Count == 0 ? null
        : limits.TryGetValue(Storage.PausedQueues.Member(queue), out var own) ? own
        : limits.GetValueOrDefault(Storage.PausedQueues.Root(queue));

    /// <summary>
    /// Sets <paramref name="queue"/>'s <c>rate_limit</c> in the settings' <c>QUEUES_CONFIG</c>, keeping its other options
    /// and the other queues' entries (<c>MrqBuilder.LimitQueue</c>).
    /// </summary>
    public static void SetRateLimit(MrqSettings settings, string queue, int limit, int perSeconds)
    {
        using var document = JsonDocument.Parse(settings.GetSection(Key) ?? "{}");
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            // Left as it is for the validator, which names the section's problem.
            return;
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            var written = false;
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                writer.WritePropertyName(entry.Name);
                if (entry.Name != queue || entry.Value.ValueKind != JsonValueKind.Object)
                {
                    entry.Value.WriteTo(writer);
                    continue;
                }

                writer.WriteStartObject();
                foreach (var option in entry.Value.EnumerateObject().Where(o => !string.Equals(o.Name, "rate_limit", StringComparison.OrdinalIgnoreCase)))
                {
                    option.WriteTo(writer);
                }

                WriteRateLimit(writer, limit, perSeconds);
                writer.WriteEndObject();
                written = true;
            }

            if (!written)
            {
                writer.WriteStartObject(queue);
                WriteRateLimit(writer, limit, perSeconds);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        settings.SetSection(Key, System.Text.Encoding.UTF8.GetString(stream.ToArray()));

        static void WriteRateLimit(Utf8JsonWriter writer, int limit, int perSeconds)
        {
            writer.WriteStartObject("rate_limit");
            writer.WriteNumber("limit", limit);
            writer.WriteNumber("per", perSeconds);
            writer.WriteEndObject();
        }
    }

    private static (HashSet<string> Quiet, Dictionary<string, QueueRateLimit> Limits) Read(MrqSettings settings)
    {
        var quiet = new HashSet<string>(StringComparer.Ordinal);
        var limits = new Dictionary<string, QueueRateLimit>(StringComparer.Ordinal);
        var raw = settings.GetSection(Key);
        if (raw is null)
        {
            return (quiet, limits);
        }

        using var document = JsonDocument.Parse(raw);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new MrqConfigurationException($"QUEUES_CONFIG: expected an object of queue → options, such as {Example}.");
        }

        foreach (var queue in document.RootElement.EnumerateObject())
        {
            var where = $"QUEUES_CONFIG[\"{queue.Name}\"]";
            if (queue.Value.ValueKind != JsonValueKind.Object)
            {
                throw new MrqConfigurationException($"{where}: expected an object of options, such as {{\"notify\": true}}.");
            }

            foreach (var option in queue.Value.EnumerateObject())
            {
                switch (option.Name.ToLowerInvariant())
                {
                    case "notify":
                        if (option.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        {
                            throw new MrqConfigurationException($"{where}.notify: expected true or false, got {option.Value.GetRawText()}.");
                        }

                        if (!option.Value.GetBoolean())
                        {
                            quiet.Add(Storage.PausedQueues.Member(queue.Name));
                        }

                        break;
                    case "rate_limit":
                        var limit = ReadRateLimit(where + ".rate_limit", Storage.PausedQueues.Member(queue.Name), option.Value);
                        limits[limit.Queue] = limit;
                        break;
                    default:
                        throw new MrqConfigurationException($"{where}.{option.Name}: unknown option; expected notify or rate_limit.");
                }
            }
        }

        return (quiet, limits);
    }

    private static QueueRateLimit ReadRateLimit(string where, string queue, JsonElement value)
    {
        int? limit = null;
        int? per = null;
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                switch (property.Name.ToLowerInvariant())
                {
                    case "limit":
                        limit = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var l) && l >= 1
                            ? l : throw new MrqConfigurationException($"{where}.limit: expected a number of jobs, at least 1, got {property.Value.GetRawText()}.");
                        break;
                    case "per":
                        per = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var p) && p >= 1
                            ? p : throw new MrqConfigurationException($"{where}.per: expected a number of seconds, at least 1, got {property.Value.GetRawText()}.");
                        break;
                    default:
                        throw new MrqConfigurationException($"{where}.{property.Name}: unknown key; expected limit and per.");
                }
            }
        }

        return limit is { } jobs && per is { } seconds
            ? new QueueRateLimit(queue, jobs, TimeSpan.FromSeconds(seconds))
            : throw new MrqConfigurationException($"{where}: expected {{\"limit\": <jobs>, \"per\": <seconds>}}, got {value.GetRawText()}.");
    }
}
