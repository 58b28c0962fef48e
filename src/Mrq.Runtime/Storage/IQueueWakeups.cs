namespace Mrq.Storage;

/// <summary>
/// A worker's subscription to the wake-ups of its queues (<see cref="IQueueNotifications.SubscribeAsync"/>): a wake-up that
/// arrives while the worker is busy is remembered (once), so an enqueue between an empty pass and the wait is not missed.
/// </summary>
public interface IQueueWakeups : IAsyncDisposable
{
    /// <summary>Waits for a wake-up (true) or until <paramref name="timeout"/> passes (false).</summary>
    ValueTask<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
