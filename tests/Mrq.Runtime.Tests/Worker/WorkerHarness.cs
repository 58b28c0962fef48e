using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Processing;
using Mrq.Storage;
using Mrq.Storage.Sqlite;
using Mrq.Storage.SqliteBroker;
using Mrq.Tests.Support;

namespace Mrq.Tests.Worker;

/// <summary>A worker engine on a fresh SQLite file, with the embedded broker or a given one (Redis).</summary>
internal sealed class WorkerHarness : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly bool _ownsBroker;

    public WorkerHarness(IQueueBroker? broker = null)
    {
        DatabasePath = _directory.File("mrq.db");
        Store = SqliteJobStore.Open(DatabasePath);
        Broker = broker ?? new SqliteQueueBroker(DatabasePath);
        _ownsBroker = broker is null;
        Client = new StoreClient(Store, () => Broker, ownsStores: false);
    }

    public string DatabasePath { get; }

    public SqliteJobStore Store { get; }

    public IQueueBroker Broker { get; }

    public StoreClient Client { get; }

    /// <summary>Runs a worker on <paramref name="queues"/> until its stop condition (burst unless the settings say otherwise).</summary>
    public Task<WorkerRunSummary> RunAsync(MrqSettings settings, params string[] queues) => RunAsync(settings, default, default, queues);

    /// <summary>Runs a worker that <paramref name="stop"/> stops gracefully and <paramref name="interrupt"/> forcibly.</summary>
    public async Task<WorkerRunSummary> RunAsync(MrqSettings settings, CancellationToken stop, CancellationToken interrupt, params string[] queues)
    {
        settings.Queues = queues;
        var sources = QueueSources.Create(settings, Store, () => Broker, NullLogger.Instance);
        await using var services = new ServiceCollection().BuildServiceProvider();
        var engine = new WorkerEngine(settings, Store, sources, services, NullLogger.Instance, () => Broker);
        Started?.Invoke(engine);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await engine.RunAsync(stop == default ? timeout.Token : stop, interrupt);
    }

    /// <summary>Runs a worker with the given services (an <c>IMeterFactory</c>, task dependencies) and logger until <paramref name="stop"/>.</summary>
    public async Task<WorkerRunSummary> RunAsync(MrqSettings settings, IServiceProvider services, Microsoft.Extensions.Logging.ILogger logger, CancellationToken stop, params string[] queues)
    {
        settings.Queues = queues;
        var sources = QueueSources.Create(settings, Store, () => Broker, logger);
        var engine = new WorkerEngine(settings, Store, sources, services, logger, () => Broker);
        Started?.Invoke(engine);
        return await engine.RunAsync(stop, default);
    }

    /// <summary>Called with each engine the RunAsync overloads create, before it runs.</summary>
    public Action<WorkerEngine>? Started { get; set; }

    public static MrqSettings Burst(int greenlets = 1) => new() { Greenlets = greenlets, DequeueStrategy = DequeueStrategy.Burst, MaxLatency = 0.05 };

    /// <summary>Every job in the file (ids read directly, documents through the store).</summary>
    public Task<IReadOnlyList<JobInfo>> AllJobsAsync() => JobsInDatabase.ReadAllAsync(DatabasePath);

    public async ValueTask DisposeAsync()
    {
        if (_ownsBroker)
        {
            await Broker.DisposeAsync();
        }

        await Store.DisposeAsync();
        _directory.Dispose();
    }
}
