using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Mrq.Storage;

namespace Mrq.Worker;

/// <summary>
/// Group commit of final statuses: jobs post their outcome and move on; one loop writes everything posted meanwhile in a
/// single store call. A job whose outcome is not yet written is still <c>started</c> in the store, so a crash in that
/// window means the job runs again after recovery (at-least-once), never that it is lost.
/// </summary>
internal sealed class StatusWriter : IAsyncDisposable
{
    private const int MaxBatch = 1024;
    private static readonly TimeSpan s_retryDelay = TimeSpan.FromSeconds(1);

    private readonly IJobStore _store;
    private readonly ILogger _logger;
    private readonly Channel<JobOutcome> _channel;
    private readonly Task _loop;
    private readonly SemaphoreSlim _batchWritten = new(0, int.MaxValue);
    private long _posted;
    private long _written;

    public StatusWriter(IJobStore store, ILogger logger, int capacity)
    {
        _store = store;
        _logger = logger;
        _channel = Channel.CreateBounded<JobOutcome>(new BoundedChannelOptions(Math.Max(capacity, MaxBatch))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Queues an outcome for the next batch; waits only when the writer is far behind.</summary>
    public ValueTask PostAsync(JobOutcome outcome)
    {
        Interlocked.Increment(ref _posted);
        return _channel.Writer.WriteAsync(outcome);
    }

    /// <summary>Waits until everything posted before the call is written (burst mode looks again after that).</summary>
    public async Task FlushAsync()
    {
        var target = Interlocked.Read(ref _posted);
        while (Interlocked.Read(ref _written) < target)
        {
            await _batchWritten.WaitAsync(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        }
    }

    /// <summary>Writes everything posted so far and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new JobOutcome[MaxBatch];
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var count = 0;
            while (count < batch.Length && reader.TryRead(out var outcome))
            {
                batch[count++] = outcome;
            }

            await WriteWithRetryAsync(batch.AsMemory(0, count)).ConfigureAwait(false);
            Array.Clear(batch, 0, count);
            Interlocked.Add(ref _written, count);
            _batchWritten.Release();
        }
    }

    private async Task WriteWithRetryAsync(ReadOnlyMemory<JobOutcome> outcomes)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.CompleteAsync(outcomes).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (attempt < 30)
            {
                _logger.LogError(e, "Could not write {Count} job statuses (attempt {Attempt}); retrying in {Delay}s", outcomes.Length, attempt, s_retryDelay.TotalSeconds);
                await Task.Delay(s_retryDelay).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The jobs stay 'started' in the store; maintenance requeues them, so they run again rather than vanish.
                _logger.LogCritical(e, "Gave up writing {Count} job statuses; those jobs stay 'started' until requeued", outcomes.Length);
                return;
            }
        }
    }
}
