using System.Diagnostics;
using System.Globalization;
using Mrq.Storage;
using Mrq.Storage.Sqlite;

namespace Mrq.Benchmarks;

/// <summary>
/// <c>store-costs [JOBS]</c>: a stopwatch fit of the embedded store's claim and complete into a fixed cost per call
/// (transaction, statement start) and a cost per job, over batch sizes 1 to 200, on a queue of JOBS jobs; then the CPU
/// per job of the worker's combined calls, 50 jobs per transaction (<c>store-costs JOBS cycle</c>: only those).
/// </summary>
internal static class StoreCosts
{
    private const string Queue = "square";
    private const string Worker = "costs";

    public static async Task<int> RunAsync(string[] args)
    {
        var jobs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var directory = Directory.CreateTempSubdirectory("mrq-costs-").FullName;
        try
        {
            await using var store = SqliteJobStore.Open(Path.Combine(directory, "mrq.db"));
            if (Environment.GetEnvironmentVariable("MRQ_BENCH_PRAGMA") is { Length: > 0 } pragma)
            {
                // Experiments only: a PRAGMA run on the store's writer connection (e.g. "wal_autocheckpoint = 10000").
                using var command = store.WriterConnection.CreateCommand();
                command.CommandText = "PRAGMA " + pragma + ";";
                command.ExecuteNonQuery();
                Console.Out.WriteLine("experiment: PRAGMA " + pragma);
            }
            var parameters = Tasks.Square.Job(n: 42).Params;
            var now = DateTime.UtcNow;
            var all = new NewJob[jobs];
            for (var i = 0; i < all.Length; i++)
            {
                all[i] = new NewJob(JobId.NewId(now), Tasks.Square.Path, Queue, parameters, now);
            }

            byte[] result = [0xcd, 0x06, 0xe4];
            if (args.Length > 2 && args[2] == "cycle")
            {
                // Only the worker-like cycle (e.g. under strace or perf).
                await CycleAsync(store, all, parameters, result);
                return 0;
            }

            await store.EnqueueAsync(all);
            var claimed = new List<ClaimedJob>();
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"store-costs: {jobs:N0} queued jobs; µs per call (median of rounds)"));
            Console.Out.WriteLine("  batch   claim µs  claim µs/job   complete µs  complete µs/job");
            var rounds = jobs / 2 / (1 + 5 + 10 + 50 + 200) / 2;
            foreach (var batch in new[] { 1, 5, 10, 50, 200 })
            {
                var claimTimes = new List<double>();
                var completeTimes = new List<double>();
                for (var r = 0; r < rounds * (200 / batch); r++)
                {
                    claimed.Clear();
                    var t = Stopwatch.GetTimestamp();
                    var n = await store.ClaimAsync(Queue, batch, Worker, claimed);
                    claimTimes.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
                    var done = DateTime.UtcNow;
                    var outcomes = new JobOutcome[n];
                    for (var i = 0; i < n; i++)
                    {
                        outcomes[i] = new JobOutcome(claimed[i].Id, JobStatus.Success, done, Result: result, DateExpires: done.AddDays(7), TotalTime: 0.0001) { Worker = Worker };
                    }

                    t = Stopwatch.GetTimestamp();
                    await store.CompleteAsync(outcomes);
                    completeTimes.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
                    if (n < batch)
                    {
                        break;
                    }
                }

                var claim = Median(claimTimes);
                var complete = Median(completeTimes);
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {batch,5}  {claim,9:F1}  {claim / batch,12:F1}  {complete,12:F1}  {complete / batch,15:F1}"));
            }

            await CycleAsync(store, all, parameters, result);
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The worker's two store calls as it makes them, 50 jobs per transaction: the outcomes of the last batch with the
    /// next claim (regular queue), and with the next batch's started documents (a raw queue's jobs). CPU time of the
    /// process per job: the calls run on this thread, so it is the store's cost, and less noisy than wall time on a
    /// shared machine.
    /// </summary>
    private static async Task CycleAsync(SqliteJobStore store, NewJob[] all, ReadOnlyMemory<byte> parameters, byte[] result)
    {
        const int Batch = 50;
        var claimed = new List<ClaimedJob>();
        var options = new ClaimOptions();
        var outcomes = Array.Empty<JobOutcome>();
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = new NewJob(JobId.NewId(DateTime.UtcNow), Tasks.Square.Path, Queue, parameters, DateTime.UtcNow);
        }

        await store.EnqueueAsync(all);
        var enqueued = all.Length;
        var cpu = Environment.CpuUsage.TotalTime;
        var wall = Stopwatch.GetTimestamp();
        var jobs = 0;
        while (true)
        {
            claimed.Clear();
            var n = await store.CompleteAndClaimAsync(outcomes, Queue, Batch, Worker, options, claimed);
            if (n == 0 && outcomes.Length == 0)
            {
                break;
            }

            jobs += n;
            outcomes = Outcomes(claimed.Select(c => c.Id), result);
        }

        Report("claim + complete", jobs, cpu, wall);

        var documents = new JobInfo[Batch];
        outcomes = [];
        cpu = Environment.CpuUsage.TotalTime;
        wall = Stopwatch.GetTimestamp();
        for (var done = 0; done < enqueued; done += Batch)
        {
            var now = DateTime.UtcNow;
            for (var i = 0; i < Batch; i++)
            {
                documents[i] = new JobInfo
                {
                    Id = JobId.NewId(now),
                    Path = Tasks.Square.Path,
                    Queue = "square_raw",
                    Status = JobStatus.Started,
                    Params = parameters,
                    DateQueued = now,
                    DateStarted = now,
                    DateUpdated = now,
                    Worker = Worker,
                    RawQueue = "square_raw",
                };
            }

            await store.CompleteAndInsertAsync(outcomes, documents);
            outcomes = Outcomes(documents.Select(d => d.Id), result);
        }

        await store.CompleteAndInsertAsync(outcomes, ReadOnlyMemory<JobInfo>.Empty);
        Report("insert started + complete", enqueued, cpu, wall);
    }

    private static JobOutcome[] Outcomes(IEnumerable<JobId> ids, byte[] result)
    {
        var done = DateTime.UtcNow;
        return [.. ids.Select(id => new JobOutcome(id, JobStatus.Success, done, Result: result, DateExpires: done.AddDays(7), TotalTime: 0.0001) { Worker = Worker })];
    }

    private static void Report(string what, int jobs, TimeSpan cpuBefore, long wallBefore)
    {
        var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMicroseconds / jobs;
        var wall = Stopwatch.GetElapsedTime(wallBefore).TotalMicroseconds / jobs;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cycle of 50 per transaction, {what}: {jobs:N0} jobs, CPU {cpu:F2} µs/job, wall {wall:F2} µs/job"));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : values[values.Count / 2];
    }
}
