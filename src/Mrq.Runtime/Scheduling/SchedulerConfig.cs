using System.Globalization;
using System.Text;
using System.Text.Json;
using Mrq.Configuration;
using Mrq.Storage;

namespace Mrq.Scheduling;

/// <summary>
/// Reads MRQ's <c>SCHEDULER_TASKS</c> config-file key: a list of <c>{"path", "params"?, "queue"?, "interval"?,
/// "dailytime"? ("HH:MM" or "HH:MM:SS", UTC), "weekday"? (0 = Monday), "monthday"? (1–31)}</c>, or, instead of the
/// timing keys, Mrq's <c>"cron"</c> (a five-field expression, in UTC unless it starts with <c>CRON_TZ=zone</c>,
/// <see cref="CronSchedule"/>), and checks it as MRQ's
/// <c>check_config_integrity</c> does: a bad list stops the worker at start (exit code 2), before any job runs.
/// </summary>
internal static class SchedulerConfig
{
    /// <summary>The config file's key of the scheduler's entries.</summary>
    public const string Key = "SCHEDULER_TASKS";

    public static IReadOnlyList<ScheduledJob> Read(MrqSettings settings)
    {
        var raw = settings.GetSection(Key);
        if (raw is null)
        {
            return [];
        }

        using var document = JsonDocument.Parse(raw);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new MrqConfigurationException("SCHEDULER_TASKS: expected a list of {\"path\": ..., \"interval\": seconds} entries.");
        }

        var entries = new List<ScheduledJob>();
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var where = $"SCHEDULER_TASKS[{index++}]";
            var entry = ReadEntry(item, where);
            if (!hashes.Add(entry.Hash))
            {
                throw new MrqConfigurationException($"{where}: the same entry as an earlier one ({entry.Hash}).");
            }

            entries.Add(entry);
        }

        return entries;
    }

    private static ScheduledJob ReadEntry(JsonElement item, string where)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new MrqConfigurationException($"{where}: expected an object such as {{\"path\": \"tasks.Report\", \"interval\": 3600}}.");
        }

        string? path = null, parameters = null, queue = null, cron = null;
        int? interval = null, weekday = null, monthday = null;
        TimeSpan? dailyTime = null;
        foreach (var property in item.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name.ToLowerInvariant())
            {
                case "path":
                    path = value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } p ? p : throw Bad(where, "path", "a task path", value);
                    break;
                case "params":
                    parameters = value.ValueKind switch
                    {
                        JsonValueKind.Object => value.GetRawText(),
                        JsonValueKind.Null => null,
                        _ => throw Bad(where, "params", "an object", value),
                    };
                    break;
                case "queue":
                    queue = value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } q ? q : throw Bad(where, "queue", "a queue name", value);
                    break;
                case "interval":
                    interval = value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) && i >= 1 ? i : throw Bad(where, "interval", "a number of seconds, at least 1", value);
                    break;
                case "dailytime":
                    dailyTime = value.ValueKind == JsonValueKind.String && TimeSpan.TryParseExact(value.GetString(), ["hh\\:mm", "hh\\:mm\\:ss"], CultureInfo.InvariantCulture, out var t)
                        ? t
                        : throw Bad(where, "dailytime", "a UTC time of day, \"HH:MM\" or \"HH:MM:SS\"", value);
                    break;
                case "weekday":
                    weekday = value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var w) && w is >= 0 and <= 6 ? w : throw Bad(where, "weekday", "0 (Monday) to 6 (Sunday)", value);
                    break;
                case "monthday":
                    monthday = value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var m) && m is >= 1 and <= 31 ? m : throw Bad(where, "monthday", "1 to 31", value);
                    break;
                case "cron":
                    cron = value.ValueKind == JsonValueKind.String && value.GetString() is { } c
                        ? CronSchedule.TryParse(c, out _, out var cronError) ? c.Trim() : throw Bad(where, "cron", cronError, value)
                        : throw Bad(where, "cron", "a cron expression such as \"*/15 * * * *\"", value);
                    break;
                default:
                    throw new MrqConfigurationException($"{where}.{property.Name}: unknown key; expected path, params, queue, interval, dailytime, weekday, monthday, cron.");
            }
        }

        if (path is null)
        {
            throw new MrqConfigurationException($"{where}: a path is required.");
        }

        if (cron is not null && (interval is not null || dailyTime is not null || weekday is not null || monthday is not null))
        {
            throw new MrqConfigurationException($"{where}: cron replaces interval, dailytime, weekday and monthday; give one or the other.");
        }

        if ((weekday is not null || monthday is not null) && dailyTime is null)
        {
            throw new MrqConfigurationException($"{where}: weekday and monthday need a dailytime.");
        }

        if (interval is null && dailyTime is null && cron is null)
        {
            throw new MrqConfigurationException($"{where}: give an interval, a dailytime or a cron expression.");
        }

        return new ScheduledJob
        {
            Hash = Hash(path, interval, dailyTime, weekday, monthday, queue, parameters, cron),
            Path = path,
            Params = parameters,
            Queue = queue,
            Interval = interval,
            DailyTime = dailyTime,
            Weekday = weekday,
            Monthday = monthday,
            Cron = cron,
        };
    }

    /// <summary>
    /// MRQ's identity string: <c>"&lt;path&gt; &lt;interval&gt; &lt;dailytime&gt; &lt;weekday&gt; &lt;monthday&gt; &lt;queue&gt; &lt;params sorted by key&gt;"</c>,
    /// then <c>" cron=&lt;expression&gt;"</c> for a cron entry (MRQ has none, so its entries keep MRQ's hash).
    /// </summary>
    private static string Hash(string path, int? interval, TimeSpan? dailyTime, int? weekday, int? monthday, string? queue, string? parameters, string? cron)
    {
        var hash = MrqHash(path, interval, dailyTime, weekday, monthday, queue, parameters);
        return cron is null ? hash : hash + " cron=" + cron;
    }

    private static string MrqHash(string path, int? interval, TimeSpan? dailyTime, int? weekday, int? monthday, string? queue, string? parameters)
    {
        static string Show<T>(T? value) where T : struct => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v}") : "None";
        var text = new StringBuilder()
            .Append(path).Append(' ').Append(Show(interval)).Append(' ').Append(Show(dailyTime)).Append(' ')
            .Append(Show(weekday)).Append(' ').Append(Show(monthday)).Append(' ').Append(queue ?? "None").Append(' ');
        if (parameters is null)
        {
            return text.Append("None").ToString();
        }

        using var document = JsonDocument.Parse(parameters);
        var sorted = document.RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"[{JsonSerializer.Serialize(p.Name, SchedulerJson.Default.String)},{p.Value.GetRawText()}]");
        return text.Append('[').Append(string.Join(',', sorted)).Append(']').ToString();
    }

    private static MrqConfigurationException Bad(string where, string key, string expected, JsonElement value) =>
        new($"{where}.{key}: expected {expected}, got {value.GetRawText()}.");
}
