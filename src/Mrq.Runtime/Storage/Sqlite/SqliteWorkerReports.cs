using System.Buffers;
using System.Text;
using System.Text.Json;
using Mrq.Worker;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// A worker report as the JSON of MRQ's <c>mrq_workers</c> document (<c>_id</c>, <c>name</c>, <c>status</c>,
/// <c>config</c>, <c>done_jobs</c>, <c>usage_avg</c>, <c>datestarted</c>, <c>datereported</c>,
/// <c>process: {pid, cpu: {user, system, percent}, mem: {rss, swap, total}}</c>, <c>jobs: [{id, path, datestarted}]</c>),
/// dates in unix milliseconds. Written by hand with <see cref="Utf8JsonWriter"/>: no reflection, so native AOT is fine.
/// </summary>
internal static class SqliteWorkerReports
{
    public static string ToJson(WorkerReport report)
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
            json.WriteNumber("datestarted", SqliteDates.ToUnixMilliseconds(report.DateStarted));
            json.WriteNumber("datereported", SqliteDates.ToUnixMilliseconds(report.DateReported));
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
                json.WriteNumber("datestarted", SqliteDates.ToUnixMilliseconds(job.DateStarted));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static WorkerReport FromJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var config = root.GetProperty("config");
        var process = root.GetProperty("process");
        var cpu = process.GetProperty("cpu");
        var mem = process.GetProperty("mem");
        return new WorkerReport
        {
            Id = root.GetProperty("_id").GetString()!,
            Name = root.GetProperty("name").GetString()!,
            Status = root.GetProperty("status").GetString()!,
            DoneJobs = root.GetProperty("done_jobs").GetInt64(),
            UsageAvg = root.GetProperty("usage_avg").GetDouble(),
            DateStarted = SqliteDates.FromUnixMilliseconds(root.GetProperty("datestarted").GetInt64()),
            DateReported = SqliteDates.FromUnixMilliseconds(root.GetProperty("datereported").GetInt64()),
            Config = new WorkerReport.WorkerConfig
            {
                Queues = [.. config.GetProperty("queues").EnumerateArray().Select(q => q.GetString()!)],
                Greenlets = config.GetProperty("greenlets").GetInt32(),
                Processes = config.GetProperty("processes").GetInt32(),
                MaxJobs = config.GetProperty("max_jobs").GetInt32(),
                MaxTime = config.GetProperty("max_time").GetDouble(),
                MaxMemory = config.GetProperty("max_memory").GetInt32(),
                DequeueStrategy = config.GetProperty("dequeue_strategy").GetString()!,
                Scheduler = config.GetProperty("scheduler").GetBoolean(),
                ReportInterval = config.GetProperty("report_interval").GetDouble(),
            },
            Process = new WorkerReport.ProcessUsage
            {
                Pid = process.GetProperty("pid").GetInt32(),
                CpuUser = cpu.GetProperty("user").GetDouble(),
                CpuSystem = cpu.GetProperty("system").GetDouble(),
                CpuPercent = cpu.GetProperty("percent").GetDouble(),
                MemoryRss = mem.GetProperty("rss").GetInt64(),
                MemorySwap = mem.GetProperty("swap").GetInt64(),
            },
            Jobs = [.. root.GetProperty("jobs").EnumerateArray().Select(j => new WorkerReport.CurrentJob(
                JobId.Parse(j.GetProperty("id").GetString()!),
                j.GetProperty("path").GetString()!,
                SqliteDates.FromUnixMilliseconds(j.GetProperty("datestarted").GetInt64())))],
        };
    }
}
