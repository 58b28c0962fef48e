using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Processing;
using Mrq.Redis;
using Mrq.Storage;
using Mrq.Storage.Sqlite;
using Mrq.Storage.SqliteBroker;

namespace Mrq.Benchmarks;

/// <summary>
/// <c>latency [--samples N] [--count N] [--load-seconds S] [--idle-seconds S] [--idle-warmup S] [--out FILE]</c>: enqueue-to-start
/// latency of each queue type with the default settings (max_latency 1 s, wake-ups on). For each type a worker engine
/// runs in this process on its own store and broker connections, and a client on others: (1) idle: one job at a time,
/// each enqueued 10–20 ms after the previous one started, so the worker is back in its idle wait; (2) throughput: N jobs
/// in one bulk enqueue, drained; (3) load: a steady stream at half that throughput for S seconds, in batches every
/// millisecond. Latency is from the moment the enqueue call returned to the moment the task's Run began (one monotonic
/// clock). Meanwhile two idle worker processes (embedded; Redis) run for the idle CPU column, read from
/// <c>/proc/&lt;pid&gt;/stat</c>.
/// </summary>
internal static class LatencyBenchmark
{
    private const int Greenlets = 50;

    private sealed record QueueType(string Label, string Queue, bool Raw, bool OnRedis, bool NoStorage);

    private static readonly QueueType[] s_types =
    [
        new("regular queue, embedded store", "stamp", Raw: false, OnRedis: false, NoStorage: false),
        new("`_raw` on Redis + embedded store (square_raw)", "stamp_raw", Raw: true, OnRedis: true, NoStorage: false),
        new("Redis-only raw (square_nostorage_raw)", "stamp_nostorage_raw", Raw: true, OnRedis: true, NoStorage: true),
        new("`_raw` on the embedded file", "stamp_raw", Raw: true, OnRedis: false, NoStorage: false),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["latency-idle-worker", var directory, var redisUri, var seconds])
        {
            return await RunIdleWorkerAsync(directory, redisUri == "-" ? null : redisUri, double.Parse(seconds, CultureInfo.InvariantCulture));
        }

        var samples = Option(args, "--samples", 300);
        var count = Option(args, "--count", 20_000);
        var loadSeconds = Option(args, "--load-seconds", 3.0);
        var idleSeconds = Option(args, "--idle-seconds", 30.0);
        var idleWarmup = Option(args, "--idle-warmup", 10.0);
        var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();

        using var redis = BenchRedis.Start(out var why);
        if (redis is null)
        {
            Console.Error.WriteLine($"Skipping the Redis rows: {why}.");
        }

        var root = Directory.CreateTempSubdirectory("mrq-latency-").FullName;
        try
        {
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
            var idle = MeasureIdleCpuAsync(root, redis?.Uri, idleWarmup, idleSeconds);
            var rows = new List<string>();
            foreach (var type in s_types.Where(t => !t.OnRedis || redis is not null))
            {
                Console.Error.WriteLine($"[latency] {type.Label}");
                rows.Add(await MeasureAsync(type, Path.Combine(root, type.Queue + (type.OnRedis ? "-redis" : "")), redis?.Uri, samples, count, loadSeconds));
            }

            var cpu = await idle;
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores; load average before the run {string.Join(' ', load)}, after {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3])}");
            report.AppendLine(CultureInfo.InvariantCulture, $"- command: `bench/latency.sh {string.Join(' ', args.Skip(1))}` (idle: {samples} jobs one at a time; throughput: {count:N0} jobs; load: {loadSeconds} s at half the throughput); --greenlets {Greenlets}, max_latency 1 s (the defaults otherwise)");
            report.AppendLine();
            report.AppendLine("| queue | idle p50 ms | p90 | p99 | max | drain jobs/s | load jobs/s | load p50 ms | p90 | p99 | max |");
            report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var row in rows)
            {
                report.AppendLine(row);
            }

            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Idle worker CPU over {idleSeconds:0} s (utime + stime from /proc/<pid>/stat, after {idleWarmup:0} s of start-up): {cpu}");
            Console.Out.Write(report.ToString());
            if (output is not null)
            {
                await File.WriteAllTextAsync(output, report.ToString());
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<string> MeasureAsync(QueueType type, string directory, string? redisUri, int samples, int count, double loadSeconds)
    {
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "mrq.db");
        var prefix = "mrqlatency" + Environment.ProcessId + type.Queue;
        await using var workerStore = SqliteJobStore.Open(database);
        await using var clientStore = SqliteJobStore.Open(database);
        await using var workerBroker = await OpenBrokerAsync(type, database, redisUri, prefix);
        await using var clientBroker = await OpenBrokerAsync(type, database, redisUri, prefix);
        await using var client = new StoreClient(clientStore, () => clientBroker, ownsStores: false);
        await using var services = new ServiceCollection().BuildServiceProvider();

        var settings = new MrqSettings { Greenlets = Greenlets, Queues = [type.Queue] };
        var descriptor = new RawQueueDescriptor
        {
            Name = type.Queue,
            FactoryName = "bench",
            Factory = static raw => Tasks.Stamp.Job(n: int.Parse(raw, CultureInfo.InvariantCulture)),
            StatusesNoStorage = type.NoStorage ? [JobStatus.Started, JobStatus.Success] : [],
        };
        QueueSource source = type.Raw
            ? new RawQueueSource(workerBroker, workerStore, type.Queue, descriptor, NullLogger.Instance)
            : new RegularQueueSource(workerStore, type.Queue);
        var engine = new WorkerEngine(settings, workerStore, [source], services, NullLogger.Instance, () => workerBroker);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token, CancellationToken.None);
        try
        {
            // Warm-up (JIT, connections, the first claims), then the three phases.
            LatencyProbe.Reset(500);
            await SendAsync(client, type, 0, 500, new long[500]);
            await WaitForStartsAsync(500, TimeSpan.FromSeconds(60));

            var idle = await IdleAsync(client, type, samples);
            var throughput = await ThroughputAsync(client, type, count);
            var rate = throughput / 2;
            var load = await LoadAsync(client, type, rate, loadSeconds);
            return string.Create(CultureInfo.InvariantCulture, $"| {type.Label} | {Percentiles(idle)} | {throughput:N0} | {rate:N0} | {Percentiles(load)} |");
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    private static async Task<IQueueBroker> OpenBrokerAsync(QueueType type, string database, string? redisUri, string prefix) =>
        type.OnRedis ? await RedisQueueBroker.ConnectAsync(redisUri!, prefix) : new SqliteQueueBroker(database);

    /// <summary>One job at a time, each enqueued once the worker is idle again; latencies in stopwatch ticks.</summary>
    private static async Task<long[]> IdleAsync(StoreClient client, QueueType type, int samples)
    {
        var enqueued = new long[samples];
        LatencyProbe.Reset(samples);
        for (var i = 0; i < samples; i++)
        {
            await Task.Delay(10 + Random.Shared.Next(10));
            await SendAsync(client, type, i, 1, enqueued);
            await WaitForStartsAsync(i + 1, TimeSpan.FromSeconds(10));
        }

        return Latencies(enqueued, samples);
    }

    /// <summary>Jobs per second from the first start to the last of one bulk enqueue of <paramref name="count"/> jobs.</summary>
    private static async Task<double> ThroughputAsync(StoreClient client, QueueType type, int count)
    {
        LatencyProbe.Reset(count);
        await SendAsync(client, type, 0, count, new long[count]);
        await WaitForStartsAsync(count, TimeSpan.FromMinutes(5));
        long first = long.MaxValue, last = 0;
        for (var i = 0; i < count; i++)
        {
            first = Math.Min(first, LatencyProbe.StartedAt(i));
            last = Math.Max(last, LatencyProbe.StartedAt(i));
        }

        return count / ((last - first) / (double)Stopwatch.Frequency);
    }

    /// <summary>A steady stream of <paramref name="rate"/> jobs per second for <paramref name="seconds"/>, sent every millisecond.</summary>
    private static async Task<long[]> LoadAsync(StoreClient client, QueueType type, double rate, double seconds)
    {
        var total = (int)(rate * seconds);
        var enqueued = new long[total];
        LatencyProbe.Reset(total);
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (sent < total)
        {
            var due = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * rate)) - sent;
            if (due > 0)
            {
                await SendAsync(client, type, sent, due, enqueued);
                sent += due;
            }
            else
            {
                await Task.Delay(1);
            }
        }

        await WaitForStartsAsync(total, TimeSpan.FromMinutes(5));
        return Latencies(enqueued, total);
    }

    /// <summary>Enqueues jobs <paramref name="first"/>.. in one call and records when the call returned.</summary>
    private static async Task SendAsync(StoreClient client, QueueType type, int first, int count, long[] enqueued)
    {
        if (type.Raw)
        {
            var items = new RawParam[count];
            for (var i = 0; i < count; i++)
            {
                items[i] = (first + i).ToString(CultureInfo.InvariantCulture);
            }

            await client.EnqueueRawAsync(type.Queue, items);
        }
        else
        {
            var jobs = new JobRequest[count];
            for (var i = 0; i < count; i++)
            {
                jobs[i] = Tasks.Stamp.Job(n: first + i);
            }

            await client.EnqueueManyAsync(jobs);
        }

        var returned = Stopwatch.GetTimestamp();
        for (var i = first; i < first + count && i < enqueued.Length; i++)
        {
            enqueued[i] = returned;
        }
    }

    private static async Task WaitForStartsAsync(int count, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (LatencyProbe.Count < count)
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"{LatencyProbe.Count} of {count} jobs started within {timeout.TotalSeconds} s");
            }

            await Task.Delay(1);
        }
    }

    private static long[] Latencies(long[] enqueued, int count)
    {
        var latencies = new long[count];
        for (var i = 0; i < count; i++)
        {
            // A job of a batch may start before its enqueue call returns: that is no latency at all.
            latencies[i] = Math.Max(0, LatencyProbe.StartedAt(i) - enqueued[i]);
        }

        Array.Sort(latencies);
        return latencies;
    }

    private static string Percentiles(long[] sorted)
    {
        double At(double q) => sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
        return string.Create(CultureInfo.InvariantCulture, $"{At(0.5):0.00} | {At(0.9):0.00} | {At(0.99):0.00} | {At(1):0.00}");
    }

    /// <summary>Two idle worker processes (embedded: regular + raw; Redis: regular + both raw kinds), their CPU over <paramref name="seconds"/>.</summary>
    private static async Task<string> MeasureIdleCpuAsync(string root, string? redisUri, double warmup, double seconds)
    {
        var workers = new List<(string Label, Process Process)>();
        try
        {
            foreach (var (label, uri) in new[] { ("embedded (stamp, stamp_raw)", (string?)null), ("Redis (stamp, stamp_raw, stamp_nostorage_raw)", redisUri) })
            {
                if (label.StartsWith("Redis", StringComparison.Ordinal) && uri is null)
                {
                    continue;
                }

                var directory = Path.Combine(root, "idle-" + workers.Count);
                Directory.CreateDirectory(directory);
                var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardInput = true };
                if (Path.GetFileNameWithoutExtension(info.FileName) == "dotnet")
                {
                    // Run as `dotnet Mrq.Benchmarks.dll`: the child is the same assembly.
                    info.ArgumentList.Add(typeof(LatencyBenchmark).Assembly.Location);
                }

                foreach (var argument in new[] { "latency-idle-worker", directory, uri ?? "-", (warmup + seconds + 30).ToString(CultureInfo.InvariantCulture) })
                {
                    info.ArgumentList.Add(argument);
                }

                workers.Add((label, Process.Start(info)!));
            }

            await Task.Delay(TimeSpan.FromSeconds(warmup));
            var before = workers.Select(w => CpuSeconds(w.Process.Id)).ToArray();
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var after = workers.Select(w => CpuSeconds(w.Process.Id)).ToArray();
            var elapsed = clock.Elapsed.TotalSeconds;
            return string.Join("; ", workers.Select((w, i) => string.Create(CultureInfo.InvariantCulture, $"{w.Label}: {(after[i] - before[i]) * 100 / elapsed:0.00}% of a core")));
        }
        finally
        {
            foreach (var (_, process) in workers)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                await process.WaitForExitAsync();
                process.Dispose();
            }
        }
    }

    /// <summary>utime + stime of a process, fields 14 and 15 of /proc/&lt;pid&gt;/stat, in USER_HZ (100 per second on Linux).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The child of <see cref="MeasureIdleCpuAsync"/>: a worker with the default settings and nothing to do.</summary>
    private static async Task<int> RunIdleWorkerAsync(string directory, string? redisUri, double seconds)
    {
        var database = Path.Combine(directory, "mrq.db");
        await using var store = SqliteJobStore.Open(database);
        await using var broker = redisUri is null ? (IQueueBroker)new SqliteQueueBroker(database) : await RedisQueueBroker.ConnectAsync(redisUri, "mrqidle" + Environment.ProcessId);
        await using var services = new ServiceCollection().BuildServiceProvider();
        string[] queues = redisUri is null ? ["stamp", "stamp_raw"] : ["stamp", "stamp_raw", "stamp_nostorage_raw"];
        var sources = queues.Select(q => q == "stamp"
            ? (QueueSource)new RegularQueueSource(store, q)
            : new RawQueueSource(broker, store, q, new RawQueueDescriptor { Name = q, FactoryName = "bench", Factory = static raw => Tasks.Stamp.Job(n: 0) }, NullLogger.Instance)).ToArray();
        var engine = new WorkerEngine(new MrqSettings { Greenlets = Greenlets, Queues = queues }, store, sources, services, NullLogger.Instance, () => broker);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await engine.RunAsync(stop.Token, CancellationToken.None);
        return 0;
    }

    private static T Option<T>(string[] args, string name, T fallback)
        where T : ISpanParsable<T>
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? T.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
