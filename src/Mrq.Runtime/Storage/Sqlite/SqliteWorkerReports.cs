using System.Text.Json;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// A worker report in the <c>report</c> column of <c>mrq_workers</c>: the JSON of <see cref="WorkerReportJson"/> with
/// dates in unix milliseconds, and its reading back.
/// </summary>
internal static class SqliteWorkerReports
{
    public static string ToJson(WorkerReport report) =>
        WorkerReportJson.Write(report, static (json, name, date) => json.WriteNumber(name, SqliteDates.ToUnixMilliseconds(date)));

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
