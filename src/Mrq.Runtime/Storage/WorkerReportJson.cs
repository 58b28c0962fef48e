using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Mrq.Storage;

/// <summary>
/// A worker report as the JSON of MRQ's <c>mrq_workers</c> document (<c>_id</c>, <c>name</c>, <c>status</c>,
/// <c>config</c>, <c>done_jobs</c>, <c>usage_avg</c>, <c>datestarted</c>, <c>datereported</c>,
/// <c>process: {pid, cpu: {user, system, percent}, mem: {rss, swap, total}}</c>, <c>jobs: [{id, path, datestarted}]</c>).
/// Dates are written by the caller's choice (the embedded store: unix milliseconds; the admin endpoint: ISO 8601).
/// Written by hand with <see cref="Utf8JsonWriter"/>: no reflection, so native AOT is fine.
/// </summary>
internal static class WorkerReportJson
{
    public static string Write(WorkerReport report, Action<Utf8JsonWriter, string, DateTime> writeDate)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("_id", report.Id);
            json.WriteString("name", report.Name);
            json.WriteString("status", report.Status);
            json.WriteStartObject("config");
            json.WriteStartArray("queues");
            foreach (var queue in report.Config.Queues)
            {
                json.WriteStringValue(queue);
            }

            json.WriteEndArray();
            json.WriteNumber("greenlets", report.Config.Greenlets);
            json.WriteNumber("processes", report.Config.Processes);
            json.WriteNumber("max_jobs", report.Config.MaxJobs);
            json.WriteNumber("max_time", report.Config.MaxTime);
            json.WriteNumber("max_memory", report.Config.MaxMemory);
            json.WriteString("dequeue_strategy", report.Config.DequeueStrategy);
            json.WriteBoolean("scheduler", report.Config.Scheduler);
            json.WriteNumber("report_interval", report.Config.ReportInterval);
            json.WriteString("name", report.Name);
            json.WriteEndObject();
            json.WriteNumber("done_jobs", report.DoneJobs);
            json.WriteNumber("usage_avg", report.UsageAvg);
            writeDate(json, "datestarted", report.DateStarted);
            writeDate(json, "datereported", report.DateReported);
            json.WriteStartObject("process");
            json.WriteNumber("pid", report.Process.Pid);
            json.WriteStartObject("cpu");
            json.WriteNumber("user", report.Process.CpuUser);
            json.WriteNumber("system", report.Process.CpuSystem);
            json.WriteNumber("percent", report.Process.CpuPercent);
            json.WriteEndObject();
            json.WriteStartObject("mem");
            json.WriteNumber("rss", report.Process.MemoryRss);
            json.WriteNumber("swap", report.Process.MemorySwap);
            json.WriteNumber("total", report.Process.MemoryTotal);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("jobs");
            foreach (var job in report.Jobs)
            {
                json.WriteStartObject();
                json.WriteString("id", job.Id.ToString());
                json.WriteString("path", job.Path);
                writeDate(json, "datestarted", job.DateStarted);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
