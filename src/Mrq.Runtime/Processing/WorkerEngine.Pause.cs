using Microsoft.Extensions.Logging;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// Paused queues (MRQ's pause/resume): the worker reloads the paused set every <c>paused_queues_refresh_interval</c>
/// seconds (0: pauses are ignored, as in MRQ) and leaves paused queues out of its passes; their jobs stay queued.
/// </summary>
internal sealed partial class WorkerEngine
{
    private volatile IReadOnlySet<string> _paused = new HashSet<string>();

    /// <summary>The queues of this pass: all of them, minus the paused ones.</summary>
    private IReadOnlyList<QueueSource> ActiveQueues()
    {
        var paused = _paused;
        if (paused.Count == 0)
        {
            return _queues;
        }

        var active = new List<QueueSource>(_queues.Count);
        foreach (var queue in _queues)
        {
            if (!PausedQueues.IsPaused(paused, queue.PauseName))
            {
                active.Add(queue);
            }
        }

        return active;
    }

    private async Task RefreshPausedQueuesAsync(CancellationToken stop)
    {
        if (_settings.PausedQueuesRefreshInterval <= 0 || !_hasBroker)
        {
            return;
        }

        try
        {
            var paused = await _broker.Value.GetPausedQueuesAsync(stop).ConfigureAwait(false);
            _paused = new HashSet<string>(paused, StringComparer.Ordinal);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Keep the last known set: a broker hiccup must not resume paused queues nor stop the worker.
            SideTaskFailed(e, LogPausedRefreshFailed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the paused queues: {Message}")]
    private partial void LogPausedRefreshFailed(string message);
}
