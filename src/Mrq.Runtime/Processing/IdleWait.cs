using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// MRQ's notify, on by default: a worker subscribes to the wake-ups of its queues (all but those configured with
/// <c>notify: false</c>, <see cref="QueuesConfig"/>) and, when idle, waits for one or for <c>max_latency</c>, whichever
/// comes first: a job enqueued while it waits starts within milliseconds, and the poll stays the safety net for a
/// wake-up that never arrives. Regular queues are woken by the job store when it carries wake-ups
/// (<see cref="IJobStoreWakeups"/>: the embedded file, MongoDB change streams), else by the broker; raw queues by the
/// broker (Redis pub/sub, the embedded file).
/// </summary>
internal sealed partial class IdleWait(MrqSettings settings, IJobStore store, IReadOnlyList<QueueSource> queues, Lazy<IQueueBroker>? broker, WorkerState state, StatusWriter statusWriter, ILogger logger)
{
    private readonly ILogger _logger = logger;
    private IQueueWakeups[] _wakeups = [];

    public async Task SubscribeAsync()
    {
        var quiet = QueuesConfig.QuietQueues(settings);
        var regular = queues
            .Select(q => q switch { RegularQueueSource r => r.Queue, SubqueuesSource => q.PauseName, _ => null })
            .OfType<string>()
            .Where(q => QueuesConfig.Notifies(quiet, q))
            .ToList();
        var raw = queues.OfType<RawQueueSource>().Select(q => q.Name).Where(q => QueuesConfig.Notifies(quiet, q)).ToList();
        var subscriptions = new List<IQueueWakeups>();
        if (regular.Count > 0 && store is IJobStoreWakeups wakingStore)
        {
            await SubscribeAsync(() => wakingStore.SubscribeAsync(regular)).ConfigureAwait(false);
            regular.Clear();
        }

        // What the store does not carry, the broker does (one subscription for both kinds).
        raw.AddRange(regular);
        if (raw.Count > 0 && broker is not null)
        {
            await SubscribeAsync(async () => await broker.Value.SubscribeAsync(raw).ConfigureAwait(false)).ConfigureAwait(false);
        }

        _wakeups = [.. subscriptions];

        async Task SubscribeAsync(Func<ValueTask<IQueueWakeups?>> subscribe)
        {
            try
            {
                if (await subscribe().ConfigureAwait(false) is { } wakeups)
                {
                    subscriptions.Add(wakeups);
                }
            }
            catch (Exception e)
            {
                // Without wake-ups the worker still polls every max_latency.
                LogSubscribeFailed(e.Message);
            }
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

        if (_wakeups.Length == 0)
        {
            await state.WaitForWakeAsync(latency, stop).ConfigureAwait(false);
            return;
        }

        // Whichever comes first: a job's end, a wake-up, or max_latency (the poll that finds what a lost wake-up missed).
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var waits = new Task[_wakeups.Length + 1];
        waits[0] = state.WaitForWakeAsync(latency, idle.Token);
        for (var i = 0; i < _wakeups.Length; i++)
        {
            waits[i + 1] = _wakeups[i].WaitAsync(latency, idle.Token).AsTask();
        }

        await Task.WhenAny(waits).ConfigureAwait(false);
        await idle.CancelAsync().ConfigureAwait(false);
        foreach (var wait in waits)
        {
            await IgnoreCancellation(wait).ConfigureAwait(false);
        }

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
        var wakeups = _wakeups;
        _wakeups = [];
        foreach (var subscription in wakeups)
        {
            try
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
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
