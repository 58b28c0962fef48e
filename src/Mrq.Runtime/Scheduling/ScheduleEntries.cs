using System.Text;
using System.Text.Json;
using Mrq.Configuration;
using Mrq.Serialization;

namespace Mrq.Scheduling;

/// <summary>
/// Scheduler entries added in code (<c>MrqBuilder.Schedule</c>): appended to the <c>SCHEDULER_TASKS</c> list the settings
/// already hold (from the configuration section), in the config file's JSON, so the one reader checks both alike.
/// </summary>
internal static class ScheduleEntries
{
    /// <summary>Appends an entry that enqueues <paramref name="job"/> at the times of <paramref name="cron"/>.</summary>
    public static void AddCron(MrqSettings settings, JobRequest job, string cron)
    {
        var existing = settings.GetSection(SchedulerConfig.Key);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            if (existing is { } json)
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind == JsonValueKind.Array)
                {
                    foreach (var entry in document.RootElement.EnumerateArray())
                    {
                        entry.WriteTo(writer);
                    }
                }
            }

            writer.WriteStartObject();
            writer.WriteString("path", job.Path);
            writer.WritePropertyName("params");
            writer.WriteRawValue(MessagePackJson.ToJson(job.Params));
            if (job.QueueNamed)
            {
                writer.WriteString("queue", job.Queue);
            }

            writer.WriteString("cron", cron);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        settings.SetSection(SchedulerConfig.Key, Encoding.UTF8.GetString(stream.ToArray()));
    }
}
