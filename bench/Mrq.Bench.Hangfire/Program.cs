using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Hangfire.Redis.StackExchange;
using Mrq.Bench.Hangfire;
using StackExchange.Redis;

// usage: Mrq.Bench.Hangfire REDIS_HOST:PORT COUNT [WORKERS]
// Enqueues COUNT no-op Square(42) jobs into Hangfire's Redis storage, then starts a BackgroundJobServer with WORKERS
// workers (default 50, Mrq's --greenlets of the compared rows) and waits until all COUNT have succeeded. Prints one
// line that bench/hangfire.sh reads:
//   Hangfire: enqueued COUNT in S s (R jobs/second); performed COUNT in S s (R jobs/second); CPU U us/job; redis V us/job
// (CPU: this process while the server ran; redis: redis-server's used_cpu_user + used_cpu_sys over the same time).
if (args.Length < 2 || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
{
    Console.Error.WriteLine("usage: Mrq.Bench.Hangfire REDIS_HOST:PORT COUNT [WORKERS]");
    return 2;
}

var workers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50;
var storage = new RedisStorage(args[0], new RedisStorageOptions { Prefix = "hangfire-bench:" });
GlobalConfiguration.Configuration
    .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
    .UseSimpleAssemblyNameTypeSerializer()
    .UseRecommendedSerializerSettings()
    .UseStorage(storage);

var monitoring = storage.GetMonitoringApi();
var succeededBefore = monitoring.GetStatistics().Succeeded;

// Hangfire has no bulk enqueue (batches are Hangfire.Pro's): one client call per job, on a few threads at once.
var client = new BackgroundJobClient(storage);
var enqueueWatch = Stopwatch.StartNew();
Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => client.Enqueue(() => NoOpJobs.Square(42)));
enqueueWatch.Stop();

using var redis = await ConnectionMultiplexer.ConnectAsync(args[0] + ",allowAdmin=true");
var redisCpuBefore = RedisCpuSeconds(redis);
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var runWatch = Stopwatch.StartNew();
using (new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = workers, Queues = ["default"] }, storage))
{
    var deadline = TimeSpan.FromSeconds(Math.Max(120, count / 50));
    while (monitoring.GetStatistics().Succeeded - succeededBefore < count)
    {
        if (runWatch.Elapsed > deadline)
        {
            Console.Error.WriteLine($"Hangfire: only {monitoring.GetStatistics().Succeeded - succeededBefore} of {count} jobs succeeded in {deadline.TotalSeconds} s");
            return 1;
        }

        Thread.Sleep(20);
    }

    runWatch.Stop();
}

var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
var redisCpu = RedisCpuSeconds(redis) - redisCpuBefore;
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"Hangfire: enqueued {count} in {enqueueWatch.Elapsed.TotalSeconds:F3} s ({count / enqueueWatch.Elapsed.TotalSeconds:F1} jobs/second); performed {count} in {runWatch.Elapsed.TotalSeconds:F3} s ({count / runWatch.Elapsed.TotalSeconds:F1} jobs/second); CPU {cpu.TotalMicroseconds / count:F1} us/job; redis {redisCpu * 1e6 / count:F1} us/job"));
return 0;

static double RedisCpuSeconds(ConnectionMultiplexer redis)
{
    var cpu = redis.GetServer(redis.GetEndPoints()[0]).Info("cpu").SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
    return double.Parse(cpu["used_cpu_user"], CultureInfo.InvariantCulture) + double.Parse(cpu["used_cpu_sys"], CultureInfo.InvariantCulture);
}
