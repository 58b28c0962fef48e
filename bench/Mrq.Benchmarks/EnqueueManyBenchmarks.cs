using BenchmarkDotNet.Attributes;
using Mrq.Redis;
using Mrq.Storage;
using Mrq.Storage.Sqlite;

namespace Mrq.Benchmarks;

/// <summary>
/// The client's bulk enqueue of 100,000 jobs, the enqueue targets: <c>EnqueueMany</c> of generated
/// <c>Square.Job(n)</c> requests into the embedded store, and <c>EnqueueRaw</c> of raw params into a Redis list.
/// Each iteration starts from an empty store / queue.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class EnqueueManyBenchmarks
{
    public const int Jobs = 100_000;

    private string _directory = "";
    private StoreClient? _client;
    private RawParam[] _raw = [];
    private RedisQueueBroker? _redis;

    [GlobalSetup(Target = nameof(EnqueueRawRedis))]
    public void SetupRedis()
    {
        var uri = BenchRedis.FromEnvironment() ?? throw new InvalidOperationException($"{BenchRedis.Variable} is not set.");
        _redis = RedisQueueBroker.ConnectAsync(uri, "mrqbench" + Environment.ProcessId).GetAwaiter().GetResult();
        _raw = new RawParam[Jobs];
        Array.Fill(_raw, "42");
    }

    [IterationSetup(Target = nameof(EnqueueRawRedis))]
    public void EmptyRedis()
    {
        _redis!.EmptyAsync("square_raw").AsTask().GetAwaiter().GetResult();
        _client = new StoreClient(() => throw new InvalidOperationException("no job store"), () => _redis, ownsStores: false);
    }

    [IterationSetup(Target = nameof(EnqueueManyEmbedded))]
    public void OpenEmbedded()
    {
        CloseEmbedded();
        _directory = Directory.CreateTempSubdirectory("mrq-bench-").FullName;
        var store = SqliteJobStore.Open(Path.Combine(_directory, "mrq.db"));
        _client = new StoreClient(store, () => throw new InvalidOperationException("no broker"), ownsStores: true);
    }

    [IterationCleanup(Target = nameof(EnqueueManyEmbedded))]
    public void CloseEmbedded()
    {
        _client?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _client = null;
        if (_directory.Length > 0)
        {
            Directory.Delete(_directory, recursive: true);
            _directory = "";
        }
    }

    [GlobalCleanup(Target = nameof(EnqueueRawRedis))]
    public void CleanupRedis()
    {
        _redis?.EmptyAsync("square_raw").AsTask().GetAwaiter().GetResult();
        _redis?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "EnqueueMany 100,000 Square jobs, embedded store")]
    public async Task<int> EnqueueManyEmbedded()
    {
        // The caller's side is part of the cost: 100,000 generated Job(n) calls, then one bulk enqueue.
        var jobs = new JobRequest[Jobs];
        for (var i = 0; i < jobs.Length; i++)
        {
            jobs[i] = Tasks.Square.Job(n: 42);
        }

        var ids = await _client!.EnqueueManyAsync(jobs);
        return ids.Count;
    }

    [Benchmark(Description = "EnqueueRaw 100,000 params, Redis list")]
    public async Task EnqueueRawRedis() => await _client!.EnqueueRawAsync("square_raw", _raw);
}
