namespace Mrq.Processing;

/// <summary>
/// MRQ's <c>wait_for_idle</c> (the admin endpoint): idle means nothing runs and a whole pass over the queues that began
/// after the question found nothing to dequeue.
/// </summary>
internal sealed partial class WorkerEngine
{
    private static readonly TimeSpan s_idlePoll = TimeSpan.FromMilliseconds(20);
    private long _emptyPasses;

    /// <summary>Counts a pass that dequeued nothing.</summary>
    private void CountEmptyPass() => Interlocked.Increment(ref _emptyPasses);

    /// <summary>Completes once the worker is idle; false when it stopped first (or <paramref name="cancellationToken"/> fired).</summary>
    public async Task<bool> WaitForIdleAsync(Task stopped, CancellationToken cancellationToken)
    {
        // The pass under way when asked may have looked at a queue before a job arrived there: count from the next one.
        var target = Interlocked.Read(ref _emptyPasses) + 2;
        while (!cancellationToken.IsCancellationRequested && !stopped.IsCompleted)
        {
            if (Volatile.Read(ref _running) == 0 && Interlocked.Read(ref _emptyPasses) >= target)
            {
                // Idle also means every status is in the store, so whoever waited can read the outcomes.
                if (_statusWriter is { } writer)
                {
                    await writer.FlushAsync().ConfigureAwait(false);
                }

                return true;
            }

            if (Interlocked.Read(ref _emptyPasses) >= target)
            {
                // Jobs were still running: wait for a later empty pass.
                target = Interlocked.Read(ref _emptyPasses) + 1;
            }

            try
            {
                await Task.Delay(s_idlePoll, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }
}
