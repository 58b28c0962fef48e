using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Mrq.Storage;
using Mrq.Storage.Queries;
using Mrq.Storage.Sqlite;

namespace Mrq.Benchmarks;

/// <summary>
/// <c>dashboard-queries [JOBS]</c>: fills an embedded store with JOBS jobs (default 1,000,000: 10 queues, 5 paths, 10%
/// finished of which 8% failed, and a queue with subqueues), then prints the median time of each of the dashboard's reads,
/// what the page says (partial: stopped at the scan budget) and SQLite's plan for each statement the read ran.
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
            TracePlans();
            IJobQueries queries = store;
            Console.WriteLine($"| Query ({total:N0} jobs) | median | result |");
            Console.WriteLine("|---|---:|---|");
            foreach (var (name, filter) in Filters())
            {
                var page = await MeasureAsync($"page of 20: {name}", () => queries.FindJobsAsync(filter, null, 0, 20).AsTask(), p => p.Partial ? $"partial ({p.Jobs.Count} found)" : $"{p.Jobs.Count} jobs");
                await MeasureAsync($"count ≤ 10,000: {name}", () => queries.CountJobsAsync(filter, 10_000).AsTask(), c => c.IsLowerBound ? $"≥ {c.Count:N0}" : $"{c.Count:N0}");
                if (page.Next is { } next)
                {
                    await MeasureAsync($"next page (cursor): {name}", () => queries.FindJobsAsync(filter, next, 0, 20).AsTask(), p => p.Partial ? $"partial ({p.Jobs.Count} found)" : $"{p.Jobs.Count} jobs");
                }
            }

            await MeasureAsync("page of 20 after skipping 1,000: queue q3", () => queries.FindJobsAsync(new JobFilter { Queue = "q3" }, null, 1000, 20).AsTask(), p => $"{p.Jobs.Count} jobs");
            await MeasureAsync("aggregate: queue × status", () => queries.CountByQueueAndStatusAsync().AsTask(), g => $"{g.Count} groups");
            await MeasureAsync("aggregate: path × status", () => queries.CountByPathAndStatusAsync().AsTask(), g => $"{g.Count} groups");
            await MeasureAsync("aggregate: raw queue × status", () => queries.CountByRawQueueAndStatusAsync().AsTask(), g => $"{g.Count} groups");
            await MeasureAsync("aggregate: path × exception", () => queries.CountExceptionsAsync().AsTask(), g => $"{g.Count} groups");
            Console.WriteLine();
            Console.WriteLine("Plans (EXPLAIN QUERY PLAN of each statement the reads ran, as traced by SQLite):");
            Console.WriteLine();
            foreach (var (sql, plan) in s_plans)
            {
                Console.WriteLine($"- `{sql}`");
                Console.WriteLine($"  → {plan}");
            }
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

    private static readonly List<(string Sql, string Plan)> s_plans = [];
    private static bool s_tracing;

    /// <summary>Explains each statement the store's reads run while <see cref="s_tracing"/> is set (once per statement text).</summary>
    private static void TracePlans() => SqliteJobWalk.Observer = command =>
    {
        if (!s_tracing || s_plans.Any(p => p.Sql == command.CommandText))
        {
            return;
        }

        using var explain = command.Connection!.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        foreach (SqliteParameter parameter in command.Parameters)
        {
            explain.Parameters.AddWithValue(parameter.ParameterName, parameter.Value);
        }

        using var reader = explain.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read())
        {
            steps.Add(reader.GetString(3));
        }

        s_plans.Add((command.CommandText, string.Join("; ", steps)));
    };

    private static IEnumerable<(string Name, JobFilter Filter)> Filters() =>
    [
        ("every job", new JobFilter()),
        ("queue q3", new JobFilter { Queue = "q3" }),
        ("queue q3/ (with subqueues)", new JobFilter { Queue = "q3/" }),
        ("queue q9/ (q9 and 3 subqueues)", new JobFilter { Queue = "q9/" }),
        ("path tasks.P2", new JobFilter { Path = "tasks.P2" }),
        ("status queued", new JobFilter { Statuses = [JobStatus.Queued] }),
        ("status started", new JobFilter { Statuses = [JobStatus.Started] }),
        ("status failed (0.8%)", new JobFilter { Statuses = [JobStatus.Failed] }),
        ("status cancel (none)", new JobFilter { Statuses = [JobStatus.Cancel] }),
        ("statuses failed-started", new JobFilter { Statuses = [JobStatus.Failed, JobStatus.Started] }),
        ("worker w1", new JobFilter { Worker = "w1" }),
        ("exception type E1", new JobFilter { ExceptionType = "E1" }),
        ("queue q3 + status failed", new JobFilter { Queue = "q3", Statuses = [JobStatus.Failed] }),
        ("worker w1 + status failed", new JobFilter { Worker = "w1", Statuses = [JobStatus.Failed] }),
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
                // q9's jobs spread over q9 and three subqueues.
                var queue = n % 10 == 9 && n % 40 != 9 ? $"q9/s{n % 3}" : $"q{n % 10}";
                jobs[i] = new NewJob(JobId.NewId(now), $"tasks.P{n % 5}", queue, new byte[] { 0x81, 0xA1, (byte)'n', 0x2A }, now);
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

    private static async Task<T> MeasureAsync<T>(string name, Func<Task<T>> query, Func<T, string> describe)
    {
        s_tracing = true;
        var result = await query(); // warm the page cache, and trace the statements once
        s_tracing = false;
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            await query();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine($"| {name} | {times[2].ToString("F2", CultureInfo.InvariantCulture)} ms | {describe(result)} |");
        return result;
    }
}
