using System.Text.Json;

namespace Mrq.Configuration;

/// <summary>
/// MRQ's <c>QUEUES_CONFIG</c> config-file key: options per regular queue. The one option is <c>notify</c>
/// (<c>{"QUEUES_CONFIG": {"emails": {"notify": true}}}</c>): enqueuing on that queue, or on one of its subqueues, wakes
/// idle workers at once instead of letting them poll every <c>max_latency</c> seconds.
/// </summary>
internal static class QueuesConfig
{
    /// <summary>The queues (roots) with <c>notify</c> on. A bad entry throws a message naming it.</summary>
    public static IReadOnlySet<string> NotifyQueues(MrqSettings settings)
    {
        var notify = new HashSet<string>(StringComparer.Ordinal);
        var raw = settings.Extra.FirstOrDefault(e => string.Equals(e.Key, "QUEUES_CONFIG", StringComparison.OrdinalIgnoreCase)).Value;
        if (raw is null)
        {
            return notify;
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

                if (option.Value.GetBoolean())
                {
                    notify.Add(Storage.PausedQueues.Member(queue.Name));
                }
            }
        }

        return notify;
    }

    /// <summary>Whether enqueuing on <paramref name="queue"/> notifies (its root or itself is configured).</summary>
    public static bool Notifies(IReadOnlySet<string> notify, string queue) =>
        notify.Count > 0 && (notify.Contains(queue) || notify.Contains(Storage.PausedQueues.Root(queue)));
}
