using Mrq.Storage;
using Mrq.Storage.Queries;

namespace Mrq.Dashboard.Api;

/// <summary>
/// What the dashboard's handlers share: the stores behind the configured client (opened on first use) and the cached
/// aggregates, refreshed at most once per <see cref="MrqDashboardOptions.AggregateCacheDuration"/> whatever the number
/// of open pages.
/// </summary>
internal sealed class DashboardState
{
    private readonly Lock _gate = new();
    private Task<Aggregates>? _aggregates;
    private DateTime _aggregatesAt;

    public DashboardState(MrqDashboardOptions options)
    {
        Options = options;
    }

    public MrqDashboardOptions Options { get; }

    private StoreClient Client => (Options.Client ?? MrqClient.Default) as StoreClient
        ?? throw new InvalidOperationException("The dashboard needs a client created by MrqClient.Create (or MrqClient.Default).");

    public IJobStore Store => Client.Store;

    public IJobQueries Queries => Client.Store as IJobQueries
        ?? throw new InvalidOperationException($"The job store {Client.Store.GetType().Name} does not support the dashboard's queries.");

    public IQueueBroker Broker => Client.Broker;

    public IMrqClient Actions => Client;

    /// <summary>The settings of the client (the dashboard's own configuration: its <c>QUEUES_CONFIG</c>, say).</summary>
    public Configuration.MrqSettings Settings => Client.Settings;

    /// <summary>The aggregates, computed again when older than the cache duration (one computation at a time).</summary>
    public Task<Aggregates> GetAggregatesAsync()
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            if (_aggregates is null || (_aggregates.IsCompleted && now - _aggregatesAt >= Options.AggregateCacheDuration) || _aggregates.IsFaulted)
            {
                _aggregatesAt = now;
                _aggregates = ComputeAsync(Queries);
            }

            return _aggregates;
        }
    }

    /// <summary>Forgets the cached aggregates (after an action changed the counts).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            if (_aggregates is { IsCompleted: true })
            {
                _aggregates = null;
            }
        }
    }

    private static async Task<Aggregates> ComputeAsync(IJobQueries queries)
    {
        var byQueue = await queries.CountByQueueAndStatusAsync().ConfigureAwait(false);
        var byRawQueue = await queries.CountByRawQueueAndStatusAsync().ConfigureAwait(false);
        var byPath = await queries.CountByPathAndStatusAsync().ConfigureAwait(false);
        var exceptions = await queries.CountExceptionsAsync().ConfigureAwait(false);
        return new Aggregates(byQueue, byRawQueue, byPath, exceptions);
    }

    /// <summary>One snapshot of the store's aggregates.</summary>
    internal sealed record Aggregates(IReadOnlyList<JobGroupCount> ByQueue, IReadOnlyList<JobGroupCount> ByRawQueue, IReadOnlyList<JobGroupCount> ByPath, IReadOnlyList<JobGroupCount> Exceptions);
}
