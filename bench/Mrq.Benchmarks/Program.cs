using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Mrq.Benchmarks;

// Runs the micro-benchmarks (BenchmarkDotNet's own arguments: --filter, --job short, ...). Benchmarks that need Redis
// use MRQ_BENCH_REDIS or a redis-server started here on a free loopback port; without one they are skipped.
// `profile QUEUE [JOBS] [GREENLETS]` instead prints a stopwatch breakdown of one in-process drain (WorkerProfile);
// `engine-profile [stored|nostorage] [JOBS] [GREENLETS]` the worker engine alone, with no store or broker (EngineProfile);
// `store-costs [JOBS]` the embedded store's claim and complete cost per call and per job (StoreCosts);
// `dashboard-queries [JOBS]` the dashboard's reads on a store of JOBS jobs (DashboardQueries);
// `latency [--samples N] ...` enqueue-to-start latency percentiles and idle CPU of each queue type (LatencyBenchmark).
if (args is ["profile", ..])
{
    return await WorkerProfile.RunAsync(args);
}

if (args is ["engine-profile", ..])
{
    return await EngineProfile.RunAsync(args);
}

if (args is ["latency" or "latency-idle-worker", ..])
{
    return await LatencyBenchmark.RunAsync(args);
}

if (args is ["dashboard-queries", ..])
{
    return await DashboardQueries.RunAsync(args);
}

if (args is ["store-costs", ..])
{
    return await StoreCosts.RunAsync(args);
}

Type[] all =
[
    typeof(ParamsBenchmarks),
    typeof(SqliteJobStoreBenchmarks),
    typeof(SqliteBrokerBenchmarks),
    typeof(RedisBrokerBenchmarks),
    typeof(EnqueueManyBenchmarks),
    typeof(WorkerDrainBenchmarks),
];

using var redis = BenchRedis.Start(out var why);
var types = all;
if (redis is null)
{
    Console.Error.WriteLine($"Skipping the Redis benchmarks: {why}.");
    types = [.. all.Where(t => t != typeof(RedisBrokerBenchmarks))];
}

var config = DefaultConfig.Instance.WithOptions(ConfigOptions.DisableLogFile);
if (redis is null)
{
    // Benchmarks that mix Redis and the embedded store keep only their embedded cases.
    config = config.AddFilter(new BenchmarkDotNet.Filters.SimpleFilter(b =>
        !b.Descriptor.WorkloadMethod.Name.Contains("Redis", StringComparison.Ordinal) &&
        !(b.Descriptor.Type == typeof(WorkerDrainBenchmarks) && b.Parameters["Queue"] is string q && q != "square")));
}

BenchmarkSwitcher.FromTypes(types).Run(args, config);
return 0;
