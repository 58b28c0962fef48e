using System.Text.Json;

namespace Mrq.Configuration;

/// <summary>
/// MRQ's <c>QUEUES_CONFIG</c> config-file key: options per queue. The one option is <c>notify</c>. In MRQ it is off
/// unless set; in Mrq every queue notifies (enqueuing wakes idle workers at once, polling every <c>max_latency</c>
/// stays the safety net), and <c>{"QUEUES_CONFIG": {"emails": {"notify": false}}}</c> opts a queue and its subqueues
/// out: its workers then only poll. <c>"notify": true</c> is accepted and changes nothing.
/// </summary>
internal static class QueuesConfig
{
    /// <summary>The queues (roots) with <c>notify</c> off. A bad entry throws a message naming it.</summary>
    public static IReadOnlySet<string> QuietQueues(MrqSettings settings)
    {
        var quiet = new HashSet<string>(StringComparer.Ordinal);
        var raw = settings.Extra.FirstOrDefault(e => string.Equals(e.Key, "QUEUES_CONFIG", StringComparison.OrdinalIgnoreCase)).Value;
        if (raw is null)
        {
            return quiet;
        }

        using var document = JsonDocument.Parse(raw);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new MrqConfigurationException("QUEUES_CONFIG: expected an object of queue → options, such as {\"emails\": {\"notify\": true}}.");
        }

        foreach (var queue in document.RootElement.EnumerateObject())
        {
            if (queue.Value.ValueKind != JsonValueKind.Object)
            {
                throw new MrqConfigurationException($"QUEUES_CONFIG[\"{queue.Name}\"]: expected an object of options, such as {{\"notify\": true}}.");
            }

            foreach (var option in queue.Value.EnumerateObject())
            {
                if (!string.Equals(option.Name, "notify", StringComparison.OrdinalIgnoreCase))
                {
                    throw new MrqConfigurationException($"QUEUES_CONFIG[\"{queue.Name}\"].{option.Name}: unknown option; the only one is notify.");
                }

                if (option.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw new MrqConfigurationException($"QUEUES_CONFIG[\"{queue.Name}\"].notify: expected true or false, got {option.Value.GetRawText()}.");
                }

                if (!option.Value.GetBoolean())
                {
                    quiet.Add(Storage.PausedQueues.Member(queue.Name));
                }
            }
        }

        return quiet;
    }

    /// <summary>Whether enqueuing on <paramref name="queue"/> notifies (neither it nor its root has <c>notify: false</c>).</summary>
    public static bool Notifies(IReadOnlySet<string> quiet, string queue) =>
        quiet.Count == 0 || !(quiet.Contains(Storage.PausedQueues.Member(queue)) || quiet.Contains(Storage.PausedQueues.Root(queue)));
}
