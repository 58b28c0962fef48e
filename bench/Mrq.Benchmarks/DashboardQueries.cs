using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Mrq.Storage;
using Mrq.Storage.Queries;
using Mrq.Storage.Sqlite;

namespace Mrq.Benchmarks;

/// <summary>
/// <c>dashboard-queries [JOBS]</c>: fills an embedded store with JOBS jobs (default 1,000,000: 10 queues, 5 paths, 10%
/// finished of which 8% failed), then prints the median time of each of the dashboard's reads and SQLite's plan for it.
/// </summary>
internal static class DashboardQueries
{
    public static async Task<int> RunAsync(string[] args)
    {
        var total = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var path = Path.Combine(Path.GetTempPath(), $"mrq-dashboard-bench-{Environment.ProcessId}.db");
        try
        {
            await using var store = SqliteJobStore.Open(path);
            await FillAsync(store, total);
            IJobQueries queries = store;
            Console.WriteLine($"| Query ({total:N0} jobs) | median | plan |");
            Console.WriteLine("|---|---:|---|");
            foreach (var (name, filter) in Filters())
            {
                await MeasureAsync($"page of 20: {name}", () => queries.FindJobsAsync(filter, 0, 20).AsTask(), path, filter, page: true);
                await MeasureAsync($"count ≤ 10,000: {name}", () => queries.CountJobsAsync(filter, 10_000).AsTask(), path, filter, page: false);
            }

            await MeasureAsync("page of 20 after skipping 1,000: queue q3", () => queries.FindJobsAsync(new JobFilter { Queue = "q3" }, 1000, 20).AsTask(), path, null, page: false);
            await MeasureAsync("aggregate: queue × status", () => queries.CountByQueueAndStatusAsync().AsTask(), path, null, page: false);
            await MeasureAsync("aggregate: path × status", () => queries.CountByPathAndStatusAsync().AsTask(), path, null, page: false);
            await MeasureAsync("aggregate: raw queue × status", () => queries.CountByRawQueueAndStatusAsync().AsTask(), path, null, page: false);
            await MeasureAsync("aggregate: path × exception", () => queries.CountExceptionsAsync().AsTask(), path, null, page: false);
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static IEnumerable<(string Name, JobFilter Filter)> Filters() =>
    [
        ("every job", new JobFilter()),
        ("queue q3", new JobFilter { Queue = "q3" }),
        ("queue q3/ (with subqueues)", new JobFilter { Queue = "q3/" }),
        ("path tasks.P2", new JobFilter { Path = "tasks.P2" }),
        ("status queued", new JobFilter { Statuses = [JobStatus.Queued] }),
        ("status started", new JobFilter { Statuses = [JobStatus.Started] }),
        ("status failed (0.8%)", new JobFilter { Statuses = [JobStatus.Failed] }),
        ("status cancel (none)", new JobFilter { Statuses = [JobStatus.Cancel] }),
        ("worker w1", new JobFilter { Worker = "w1" }),
        ("exception type E1", new JobFilter { ExceptionType = "E1" }),
        ("queue q3 + status failed", new JobFilter { Queue = "q3", Statuses = [JobStatus.Failed] }),
    ];

    private static async Task FillAsync(SqliteJobStore store, int total)
    {
        var clock = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        const int chunk = 100_000;
        for (var start = 0; start < total; start += chunk)
        {
            var jobs = new NewJob[Math.Min(chunk, total - start)];
            for (var i = 0; i < jobs.Length; i++)
            {
                var n = start + i;
                jobs[i] = new NewJob(JobId.NewId(now), $"tasks.P{n % 5}", $"q{n % 10}", new byte[] { 0x81, 0xA1, (byte)'n', 0x2A }, now);
            }

            await store.EnqueueAsync(jobs);
        }

        // 10% claimed; of those, 90% success, 8% failed (two exception types), 2% left started.
        var claimed = new List<ClaimedJob>();
        for (var q = 0; q < 10; q++)
        {
            while (claimed.Count < (q + 1) * (total / 100))
            {
                if (await store.ClaimAsync($"q{q}", 1000, $"w{q % 3}", claimed) == 0)
                {
                    break;
                }
            }
        }

        var outcomes = new List<JobOutcome>();
        for (var i = 0; i < claimed.Count; i++)
        {
            var job = claimed[i];
            switch (i % 50)
            {
                case 0 or 1 or 2 or 3:
                    outcomes.Add(new JobOutcome(job.Id, JobStatus.Failed, now, ExceptionType: i % 2 == 0 ? "E1" : "E2", Traceback: "trace"));
                    break;
                case 4:
                    break;
                default:
                    outcomes.Add(new JobOutcome(job.Id, JobStatus.Success, now));
                    break;
            }
        }

        for (var start = 0; start < outcomes.Count; start += 10_000)
        {
            await store.CompleteAsync(outcomes.Skip(start).Take(10_000).ToArray());
        }

        Console.Error.WriteLine($"Filled {total:N0} jobs ({claimed.Count:N0} claimed, {outcomes.Count:N0} finished) in {clock.Elapsed.TotalSeconds:F1} s.");
    }

    private static async Task MeasureAsync<T>(string name, Func<Task<T>> query, string path, JobFilter? filter, bool page)
    {
        await query(); // warm the page cache
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            await query();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        var plan = page && filter is not null ? Plan(path, filter) : "";
        Console.WriteLine($"| {name} | {times[2].ToString("F2", CultureInfo.InvariantCulture)} ms | {plan} |");
    }

    private static string Plan(string path, JobFilter filter)
    {
        var (where, bind) = SqliteJobFilter.Where(filter);
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        var from = filter.Statuses is [JobStatus.Started] ? "mrq_jobs INDEXED BY mrq_jobs_started" : "mrq_jobs";
        command.CommandText = $"EXPLAIN QUERY PLAN SELECT id FROM {from} WHERE {where} ORDER BY rowid DESC LIMIT 20;";
        bind(command);
        using var reader = command.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read())
        {
            steps.Add(reader.GetString(3));
        }

        return string.Join("; ", steps);
    }
}
