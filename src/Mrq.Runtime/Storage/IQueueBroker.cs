namespace Mrq.Storage;

/// <summary>
/// The raw-queue broker port: raw params waiting in raw queues. Adapters: Redis (MRQ's key layout) and the embedded
/// SQLite file with the same semantics. Every call is one round trip whatever the number of items.
/// </summary>
internal interface IQueueBroker : IAsyncDisposable
{
    /// <summary>
    /// Adds raw params to a raw queue. <see cref="RawItem.Score"/> is used by sorted sets (the score) and timed sets
    /// (due time, unix seconds); lists and sets ignore it. A subqueue (<c>root/sub</c>) is recorded in the root's
    /// known-subqueues set.
    /// </summary>
    ValueTask EnqueueAsync(string queue, ReadOnlyMemory<RawItem> items, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes up to <paramref name="max"/> items in one round trip, appending them to <paramref name="into"/>: lists in
    /// FIFO order, sets in any order, sorted sets by ascending score, timed sets only members due at
    /// <paramref name="now"/> (ascending due time). With <paramref name="pushbackSeconds"/> &gt; 0 (timed sets only) the
    /// members stay, due again at now + pushback. Returns how many were taken.
    /// </summary>
    ValueTask<int> DequeueAsync(string queue, int max, DateTime now, double pushbackSeconds, List<string> into, CancellationToken cancellationToken = default);

    /// <summary>Removes specific raw params (the task's own acknowledgement for timed sets with pushback).</summary>
    ValueTask<long> RemoveAsync(string queue, IReadOnlyList<string> items, CancellationToken cancellationToken = default);

    /// <summary>How many items the queue holds; for <c>root/</c>, the sum over its known subqueues.</summary>
    ValueTask<long> SizeAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Items due at <paramref name="now"/> of a timed set (its size for other types).</summary>
    ValueTask<long> DueSizeAsync(string queue, DateTime now, CancellationToken cancellationToken = default);

    /// <summary>A page of items (lists and sorted sets in order; sets: up to <paramref name="limit"/> members).</summary>
    ValueTask<IReadOnlyList<RawItem>> ListAsync(string queue, int skip, int limit, CancellationToken cancellationToken = default);

    /// <summary>The known subqueues of a root raw queue (full names, <c>root/sub</c>).</summary>
    ValueTask<IReadOnlyList<string>> KnownSubqueuesAsync(string root, CancellationToken cancellationToken = default);

    /// <summary>Deletes the queue and its known-subqueues record.</summary>
    ValueTask EmptyAsync(string queue, CancellationToken cancellationToken = default);
}
