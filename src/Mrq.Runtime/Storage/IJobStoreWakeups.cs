namespace Mrq.Storage;

/// <summary>
/// A job store that carries the wake-ups of its own regular queues (the embedded file through the file system, MongoDB
/// through a change stream), so idle workers start new jobs within milliseconds without a broker. Stores without it
/// are woken through the broker (<see cref="IQueueNotifications.NotifyAsync"/>). Lossy by design, like the broker's: jobs
/// never depend on a wake-up, workers still poll every <c>max_latency</c>.
/// </summary>
/// <remarks>
/// The client calls <see cref="NotifyAsync"/> after an enqueue. Jobs that the store's own statements put back in a queue
/// (<see cref="IJobActions.RequeueAsync"/>, <see cref="IJobMaintenance.RequeueStartedAsync"/>,
/// <see cref="IJobMaintenance.RequeueDueRetriesAsync"/>) wake that queue's subscribers without a call: only the store
/// knows every queue a requeue by status filled.
/// </remarks>
public interface IJobStoreWakeups
{
    /// <summary>Wakes the workers subscribed to <paramref name="queue"/>'s root; the client calls it after an enqueue.</summary>
    ValueTask NotifyAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes to the wake-ups of the roots of <paramref name="queues"/>; null when the store cannot deliver them
    /// (a MongoDB server without change streams), in which case the worker only polls.
    /// </summary>
    ValueTask<IQueueWakeups?> SubscribeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default);
}
