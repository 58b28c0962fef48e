namespace Mrq.Storage.Queries;

/// <summary>The raw queues a broker holds items in (the dashboard's raw queue list). Adapters: Redis and the embedded broker.</summary>
public interface IRawQueueListing
{
    /// <summary>The names of the raw queues (subqueues included) that hold at least one item, in ordinal order.</summary>
    ValueTask<IReadOnlyList<string>> ListRawQueuesAsync(CancellationToken cancellationToken = default);
}
