using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// The dequeue loop's wait between empty passes, with MRQ's notify: a worker listening to regular queues configured
/// with <c>notify</c> (<see cref="QueuesConfig"/>) subscribes to their wake-ups and, when idle, waits for one (at most
/// <c>max(1, max_latency)</c> seconds, MRQ's BLPOP timeout) instead of sleeping <c>max_latency</c>: a job enqueued
/// there starts within milliseconds.
/// </summary>
internal sealed partial class IdleWait(MrqSettings settings, IReadOnlyList<QueueSource> queues, Lazy<IQueueBroker>? broker, WorkerState state, StatusWriter statusWriter, ILogger logger)
{
    private readonly ILogger _logger = logger;
    private IQueueWakeups? _wakeups;

    public async Task SubscribeAsync()
    {
        if (broker is null)
        {
            return;
        }

        try
        {
            var notify = QueuesConfig.NotifyQueues(settings);
            var names = queues
                .Select(q => q switch { RegularQueueSource regular => regular.Queue, SubqueuesSource => q.PauseName, _ => null })
                .OfType<string>()
                .Where(q => QueuesConfig.Notifies(notify, PausedQueues.Member(q)))
                .ToArray();
            if (names.Length > 0)
            {
                _wakeups = await broker.Value.SubscribeAsync(names).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not MrqConfigurationException)
        {
            // Without wake-ups the worker still polls every max_latency.
            LogSubscribeFailed(e.Message);
        }
    }

    /// <summary>
    /// The idle wait between empty passes: <c>max_latency</c> (or a wake-up), cut short when a running job ends, whose
    /// outcome the next pass carries to the store.
    /// </summary>
    public async Task WaitAsync(TimeSpan latency, CancellationToken stop)
    {
        // Wakes left over from the busy passes would only cut this wait short for nothing; an outcome posted meanwhile
        // is written right away instead.
        state.ClearWakes();

        if (statusWriter.HasPosted)
        {
            return;
        }

        if (_wakeups is null)
        {
            await state.WaitForWakeAsync(latency, stop).ConfigureAwait(false);
            return;
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var woken = state.WaitForWakeAsync(idle.Token);
        var notified = _wakeups.WaitAsync(latency > TimeSpan.FromSeconds(1) ? latency : TimeSpan.FromSeconds(1), idle.Token).AsTask();
        await Task.WhenAny(woken, notified).ConfigureAwait(false);
        await idle.CancelAsync().ConfigureAwait(false);
        await IgnoreCancellation(woken).ConfigureAwait(false);
        await IgnoreCancellation(notified).ConfigureAwait(false);
        stop.ThrowIfCancellationRequested();

        static async Task IgnoreCancellation(Task task)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The other wait ended first.
            }
        }
    }

    public async Task UnsubscribeAsync()
    {
        if (_wakeups is { } wakeups)
        {
            _wakeups = null;
            try
            {
                await wakeups.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogSubscribeFailed(e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to queue wake-ups (polling every max_latency instead): {Message}")]
    private partial void LogSubscribeFailed(string message);
}
