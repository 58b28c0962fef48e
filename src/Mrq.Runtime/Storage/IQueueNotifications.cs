namespace Mrq.Storage;

/// <summary>
/// Wake-ups between processes: an enqueuer notifies a queue, and idle workers subscribed to it stop waiting at once
/// instead of at their next poll. Lossy by design: jobs never depend on a wake-up.
/// </summary>
public interface IQueueNotifications
{
    /// <summary>
    /// Wakes the workers subscribed to <paramref name="queue"/>'s root (MRQ's notify, on by default; a queue configured
    /// with <c>QUEUES_CONFIG {"q": {"notify": false}}</c> is not notified): the client calls it after enqueuing on a raw
    /// queue, or on a regular queue of a store without its own wake-ups. Lossy by design, it only shortens an idle
    /// worker's wait; jobs never depend on it.
    /// </summary>
    ValueTask NotifyAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Subscribes to the wake-ups of the roots of <paramref name="queues"/>; dispose the result to unsubscribe.</summary>
    ValueTask<IQueueWakeups> SubscribeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default);
}
