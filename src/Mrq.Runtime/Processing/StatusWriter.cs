using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// Final statuses on their way to the store. Jobs post their outcome and move on; the worker loop carries everything
/// posted since its last pass into its next store call, so a busy worker writes the outcomes of the jobs that just ended
/// in the same transaction that claims the next ones (<see cref="IJobQueue.CompleteAndClaimAsync"/>), and writes them on
/// their own only when it has nothing to claim. A job whose outcome is not yet written is still <c>started</c> in the
/// store, so a crash in that window means the job runs again after recovery (at-least-once), never that it is lost.
/// </summary>
internal sealed class StatusWriter : IAsyncDisposable
{
    private static readonly TimeSpan s_finalWriteGrace = TimeSpan.FromSeconds(30);

    private readonly IJobStore _store;
    private readonly ILogger _logger;
    private readonly StoreOutage _outage;
    private readonly ConcurrentQueue<JobOutcome> _posted = new();
    private readonly OutcomeBatch _batch;
    private readonly SemaphoreSlim _batchWritten = new(0, int.MaxValue);
    private long _postedCount;
    private long _writtenCount;

    public StatusWriter(IJobStore store, ILogger logger, StoreOutage? outage = null)
    {
        _store = store;
        _logger = logger;
        _outage = outage ?? new StoreOutage(logger);
        _batch = new OutcomeBatch(Written);
    }

    /// <summary>Queues an outcome for the worker loop's next store call; never waits.</summary>
    public void Post(in JobOutcome outcome)
    {
        _posted.Enqueue(outcome);
        Interlocked.Increment(ref _postedCount);
    }

    /// <summary>Whether outcomes were posted since the last <see cref="TakePosted"/>.</summary>
    public bool HasPosted => !_posted.IsEmpty;

    /// <summary>Moves everything posted so far into the loop's batch and returns it (worker loop only).</summary>
    public OutcomeBatch TakePosted()
    {
        while (_posted.TryDequeue(out var outcome))
        {
            _batch.Add(outcome);
        }

        return _batch;
    }

    /// <summary>
    /// Writes what the batch still holds (worker loop only). A failing store is retried with the outage's back-off: while
    /// the worker runs (<paramref name="stop"/> can be cancelled) until it answers or <paramref name="stop"/> fires
    /// (the outcomes stay in the batch); once the loop is over, for <see cref="s_finalWriteGrace"/>, after which the jobs
    /// stay <c>started</c> in the store and maintenance requeues them (they run again rather than vanish).
    /// </summary>
    public async ValueTask WriteTakenAsync(CancellationToken stop = default)
    {
        if (_batch.Count == 0)
        {
            return;
        }

        var giveUpAt = stop.CanBeCanceled ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(s_finalWriteGrace.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                await _store.CompleteAsync(_batch.Items, CancellationToken.None).ConfigureAwait(false);
                _batch.MarkWritten();
                _outage.Succeeded();
                return;
            }
            catch (Exception e) when (Stopwatch.GetTimestamp() < giveUpAt)
            {
                await _outage.BackOffAsync(e, stop).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogCritical("Gave up writing {Count} job statuses after {Grace}s: {Reason}. Those jobs stay 'started' until maintenance requeues them", _batch.Count, s_finalWriteGrace.TotalSeconds, StoreOutage.Describe(e));
                _batch.MarkWritten();
                return;
            }
        }
    }

    /// <summary>Takes and writes everything posted so far (worker loop only).</summary>
    public ValueTask WritePostedAsync(CancellationToken stop = default)
    {
        TakePosted();
        return WriteTakenAsync(stop);
    }

    /// <summary>Waits until everything posted before the call is written (or given up on) by the worker loop.</summary>
    public async Task FlushAsync()
    {
        var target = Interlocked.Read(ref _postedCount);
        while (Interlocked.Read(ref _writtenCount) < target)
        {
            await _batchWritten.WaitAsync(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        }
    }

    /// <summary>Writes everything still posted: the worker loop has ended.</summary>
    public async ValueTask DisposeAsync() => await WritePostedAsync().ConfigureAwait(false);

    private void Written(int count)
    {
        Interlocked.Add(ref _writtenCount, count);

        // One pending signal is enough (FlushAsync re-reads the counts); a release per write would overflow the
        // semaphore's maximum after about two billion writes, days of a busy worker.
        if (_batchWritten.CurrentCount == 0)
        {
            _batchWritten.Release();
        }
    }
}
