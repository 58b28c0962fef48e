using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Processing;
using Mrq.Redis;
using Mrq.Storage;
using Mrq.Storage.Sqlite;

namespace Mrq.Benchmarks;

/// <summary>
/// The worker engine in process, without start-up: one operation drains <see cref="Jobs"/> no-op Square jobs in burst
/// mode, as <c>worker QUEUE --greenlets N</c> does. Allocated bytes / Jobs is the per-job allocation of the whole path.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class WorkerDrainBenchmarks
{
    public const int Jobs = 20_000;

    private string _directory = "";
    private SqliteJobStore _store = null!;
    private RedisQueueBroker? _broker;
    private ServiceProvider _services = null!;
    private RawQueueDescriptor? _raw;
    private JobRequest[] _jobs = [];
    private RawParam[] _rawParams = [];

    /// <summary>square (embedded store, 50 greenlets), square_raw (Redis + embedded, 30), square_nostorage_raw (Redis, 50).</summary>
    [Params("square", "square_raw", "square_nostorage_raw")]
    public string Queue { get; set; } = "square";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("mrq-bench-").FullName;
        _store = SqliteJobStore.Open(Path.Combine(_directory, "mrq.db"));
        _services = new ServiceCollection().BuildServiceProvider();
        _jobs = new JobRequest[Jobs];
        Array.Fill(_jobs, Tasks.Square.Job(n: 42));
        _rawParams = new RawParam[Jobs];
        Array.Fill(_rawParams, "42");
        if (Queue != "square")
        {
            var uri = BenchRedis.FromEnvironment() ?? throw new InvalidOperationException($"{BenchRedis.Variable} is not set.");
            _broker = RedisQueueBroker.ConnectAsync(uri, "mrqbench" + Environment.ProcessId).GetAwaiter().GetResult();
            _raw = new RawQueueDescriptor
            {
                Name = Queue,
                FactoryName = "bench",
                Factory = static raw => Tasks.Square.Job(n: int.Parse(raw, System.Globalization.CultureInfo.InvariantCulture)),
                StatusesNoStorage = Queue == "square_nostorage_raw" ? [JobStatus.Started, JobStatus.Success] : [],
            };
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _broker?.EmptyAsync(Queue).AsTask().GetAwaiter().GetResult();
        _broker?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _services.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [IterationSetup]
    public void Fill()
    {
        var client = new StoreClient(_store, () => _broker!, ownsStores: false);
        if (_raw is null)
        {
            client.EnqueueManyAsync(_jobs.Select(j => j.OnQueue(Queue)).ToArray()).AsTask().GetAwaiter().GetResult();
        }
        else
        {
            client.EnqueueRawAsync(Queue, _rawParams).AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Description = "drain 20,000 jobs")]
    public async Task<long> Drain()
    {
        var settings = new MrqSettings
        {
            Greenlets = Queue == "square_raw" ? 30 : 50,
            DequeueStrategy = DequeueStrategy.Burst,
            Queues = [Queue],
        };
        QueueSource source = _raw is null
            ? new RegularQueueSource(_store, Queue)
            : new RawQueueSource(_broker!, _store, Queue, _raw, NullLogger.Instance);
        var engine = new WorkerEngine(settings, _store, [source], _services, NullLogger.Instance, () => _broker!);
        var summary = await engine.RunAsync(CancellationToken.None, CancellationToken.None);
        if (summary.DoneJobs != Jobs)
        {
            throw new InvalidOperationException($"Drained {summary.DoneJobs} jobs, expected {Jobs}.");
        }

        return summary.DoneJobs;
    }
}
