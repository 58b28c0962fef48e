using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// Paused queues (MRQ's pause/resume): the worker reloads the paused set every <c>paused_queues_refresh_interval</c>
/// seconds (0: pauses are ignored, as in MRQ) and leaves paused queues out of its passes; their jobs stay queued.
/// </summary>
internal sealed partial class PauseFilter(MrqSettings settings, IReadOnlyList<QueueSource> queues, Lazy<IQueueBroker>? broker, SideTaskFailures failures, ILogger logger)
{
    private readonly ILogger _logger = logger;
    private volatile IReadOnlySet<string> _paused = new HashSet<string>();

    /// <summary>The queues of this pass: all of them, minus the paused ones.</summary>
    public IReadOnlyList<QueueSource> ActiveQueues()
    {
        var paused = _paused;
        if (paused.Count == 0)
        {
            return queues;
        }

        var active = new List<QueueSource>(queues.Count);
        foreach (var queue in queues)
        {
            if (!PausedQueues.IsPaused(paused, queue.PauseName))
            {
                active.Add(queue);
            }
        }

        return active;
    }

    /// <summary>Reloads the paused set (at start, then from the monitor).</summary>
    public async Task RefreshAsync(CancellationToken stop)
    {
        if (settings.PausedQueuesRefreshInterval <= 0 || broker is null)
        {
            return;
        }

        try
        {
            var paused = await broker.Value.GetPausedQueuesAsync(stop).ConfigureAwait(false);
            _paused = new HashSet<string>(paused, StringComparer.Ordinal);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Keep the last known set: a broker hiccup must not resume paused queues nor stop the worker.
            failures.Report(e, LogPausedRefreshFailed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the paused queues: {Message}")]
    private partial void LogPausedRefreshFailed(string message);
}
