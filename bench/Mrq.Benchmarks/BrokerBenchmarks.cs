using BenchmarkDotNet.Attributes;
using Mrq.Redis;
using Mrq.Storage;
using Mrq.Storage.SqliteBroker;

namespace Mrq.Benchmarks;

/// <summary>Raw-queue brokers, one batch per operation: push raw params "42" to a list queue, and pop a batch.</summary>
[MemoryDiagnoser]
[InvocationCount(Invocations)]
public abstract class BrokerBenchmarks
{
    private const int Invocations = 8;
    protected const string Queue = "square_raw";

    private readonly List<string> _into = [];
    private RawItem[] _items = [];

    [Params(50, 1000)]
    public int Batch { get; set; }

    private protected IQueueBroker Broker { get; set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        Broker = Open();
        _items = new RawItem[Batch];
        Array.Fill(_items, new RawItem("42"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Broker.EmptyAsync(Queue).AsTask().GetAwaiter().GetResult();
        Broker.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Closed();
    }

    [IterationSetup(Target = nameof(Dequeue))]
    public void Fill()
    {
        for (var i = 0; i < Invocations; i++)
        {
            Broker.EnqueueAsync(Queue, _items).AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Description = "enqueue a batch")]
    public ValueTask Enqueue() => Broker.EnqueueAsync(Queue, _items);

    [Benchmark(Description = "dequeue a batch")]
    public async ValueTask<int> Dequeue()
    {
        _into.Clear();
        return await Broker.DequeueAsync(Queue, Batch, DateTime.UtcNow, 0, _into);
    }

    private protected abstract IQueueBroker Open();

    protected virtual void Closed()
    {
    }
}

/// <summary>The Redis broker (MRQ's key layout, Lua dequeue) against a loopback redis-server.</summary>
public class RedisBrokerBenchmarks : BrokerBenchmarks
{
    private protected override IQueueBroker Open()
    {
        var uri = BenchRedis.FromEnvironment() ?? throw new InvalidOperationException($"{BenchRedis.Variable} is not set.");
        return RedisQueueBroker.ConnectAsync(uri, "mrqbench" + Environment.ProcessId).GetAwaiter().GetResult();
    }
}

/// <summary>The embedded SQLite broker.</summary>
public class SqliteBrokerBenchmarks : BrokerBenchmarks
{
    private string _directory = "";

    private protected override IQueueBroker Open()
    {
        _directory = Directory.CreateTempSubdirectory("mrq-bench-").FullName;
        return new SqliteQueueBroker(Path.Combine(_directory, "mrq.db"));
    }

    protected override void Closed() => Directory.Delete(_directory, recursive: true);
}
