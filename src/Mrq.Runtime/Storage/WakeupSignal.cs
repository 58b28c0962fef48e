namespace Mrq.Storage;

/// <summary>
/// The common part of <see cref="IQueueWakeups"/>: a flag set by the adapter's notification handler and consumed by one
/// wait. Several wake-ups before a wait count as one (the worker makes one pass, which takes whatever is there).
/// </summary>
/// <param name="unsubscribe">Ends the adapter's subscription; called once, by <see cref="DisposeAsync"/>.</param>
public sealed class WakeupSignal(Func<ValueTask> unsubscribe) : IQueueWakeups
{
    private readonly SemaphoreSlim _flag = new(0, 1);
    private int _disposed;

    /// <summary>Sets the flag; called by the adapter when a wake-up arrives.</summary>
    public void Set()
    {
        try
        {
            _flag.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already set.
        }
        catch (ObjectDisposedException)
        {
            // A late notification after unsubscribing.
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _flag.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);

    /// <summary>Unsubscribes (once, whatever the number of calls) and releases the flag.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await unsubscribe().ConfigureAwait(false);
        _flag.Dispose();
    }
}
