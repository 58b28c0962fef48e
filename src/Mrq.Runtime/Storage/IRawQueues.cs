namespace Mrq.Storage;

/// <summary>
/// Raw queues (MRQ's <c>_raw</c>, <c>_set</c>, <c>_sorted_set</c> and <c>_timed_set</c> queues): raw params waiting to
/// become jobs. Every call is one round trip whatever the number of items.
/// </summary>
/// <remarks>
/// <para>Queue names follow <see cref="RawQueueNames"/>: the type comes from the root's suffix; a name that is not raw
/// throws <see cref="ArgumentException"/>. <c>root/sub</c> is a subqueue; <c>root/</c> is the listen form, meaning the
/// root queue plus all of its known subqueues: it is accepted by <see cref="DequeueAsync"/>, <see cref="SizeAsync"/>,
/// <see cref="DueSizeAsync"/>, <see cref="KnownSubqueuesAsync"/> and <see cref="EmptyAsync"/>, and rejected by
/// enqueue, remove and list.</para>
/// <para>Times are UTC <see cref="DateTime"/>s (an unspecified kind is taken as UTC, a local one converted); scores of
/// timed sets are unix seconds.</para>
/// <para>Cancellation is observed only before a call reaches the store: a dequeue that has started is never abandoned
/// half-way, so its items are not lost by a cancelled wait.</para>
/// </remarks>
public interface IRawQueues
{
    /// <summary>
    /// Adds raw params to a raw queue (not the listen form). <see cref="RawItem.Score"/> is used by sorted sets (the
    /// score; re-adding a member updates it) and timed sets (due time, unix seconds; 0 means due at once); lists keep
    /// duplicates and ignore it, sets drop duplicates and ignore it. A subqueue (<c>root/sub</c>) is recorded in the root's
    /// known-subqueues set atomically with the push. An empty batch is a no-op.
    /// </summary>
    ValueTask EnqueueAsync(string queue, ReadOnlyMemory<RawItem> items, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes up to <paramref name="max"/> items atomically in one round trip, appending them to <paramref name="into"/>:
    /// lists in FIFO order, sets in any order, sorted sets by ascending score, timed sets only members due at
    /// <paramref name="now"/> (score ≤ now, ascending due time). With <paramref name="pushbackSeconds"/> &gt; 0 (timed
    /// sets only; ignored otherwise) the members stay, due again at now + pushback (at-least-once: the task removes its
    /// member with <see cref="RemoveAsync"/>). Two callers never receive the same taken item. For <c>root/</c>, takes
    /// from the root first, then from the known subqueues in ordinal name order. A subqueue found empty is removed from
    /// the known set. Returns how many were taken (0 when <paramref name="max"/> ≤ 0).
    /// </summary>
    ValueTask<int> DequeueAsync(string queue, int max, DateTime now, double pushbackSeconds, List<string> into, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts back raw params that <see cref="DequeueAsync"/> took from <paramref name="queue"/> (a root or a subqueue, not
    /// the listen form) and that will not run (a worker stopping with a batch it could not store, a batch popped ahead
    /// that no pass took): a list gets them back at its head, in the given order, so they are taken first again; sets
    /// and sorted or timed sets get them as <see cref="EnqueueAsync"/> would (with the scores given). An empty batch is
    /// a no-op.
    /// </summary>
    ValueTask PushBackAsync(string queue, ReadOnlyMemory<RawItem> items, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes specific raw params (the task's own acknowledgement for timed sets with pushback); for lists, one
    /// occurrence per given value, nearest the head (MRQ's <c>LREM key 1</c>). Returns how many were removed.
    /// </summary>
    ValueTask<long> RemoveAsync(string queue, IReadOnlyList<string> items, CancellationToken cancellationToken = default);

    /// <summary>How many items the queue holds; for <c>root/</c>, the sum over the root and its known subqueues.</summary>
    ValueTask<long> SizeAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Items due at <paramref name="now"/> of a timed set (its size for other types); <c>root/</c> sums as <see cref="SizeAsync"/>.</summary>
    ValueTask<long> DueSizeAsync(string queue, DateTime now, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of items with their scores (lists and sorted/timed sets in dequeue order; sets: up to
    /// <paramref name="limit"/> members, which Redis samples at random ignoring <paramref name="skip"/>).
    /// </summary>
    ValueTask<IReadOnlyList<RawItem>> ListAsync(string queue, int skip, int limit, CancellationToken cancellationToken = default);

    /// <summary>The known subqueues of a root raw queue (given as <c>root</c>, <c>root/</c> or any of its subqueues): full names, <c>root/sub</c>, in ordinal order.</summary>
    ValueTask<IReadOnlyList<string>> KnownSubqueuesAsync(string root, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a queue. A subqueue is deleted and leaves the root's known set; a root (or <c>root/</c>) is deleted with
    /// all of its known subqueues and its known-subqueues record.
    /// </summary>
    ValueTask EmptyAsync(string queue, CancellationToken cancellationToken = default);
}
