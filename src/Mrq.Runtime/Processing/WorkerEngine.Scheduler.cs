using Microsoft.Extensions.Logging;
using Mrq.Scheduling;

namespace Mrq.Processing;

/// <summary>The scheduler of a <c>--scheduler</c> worker: a check at start, then every <c>scheduler_interval</c> seconds until the worker stops dequeuing.</summary>
internal sealed partial class WorkerEngine
{
    private async Task SchedulerLoopAsync(CancellationToken stop)
    {
        if (!_settings.Scheduler || _settings.SchedulerInterval <= 0 || !_hasBroker)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(_settings.SchedulerInterval);
        var scheduler = new Scheduler(_store, _broker.Value, SchedulerConfig.Read(_settings), Id, interval, _logger);
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                try
                {
                    await scheduler.CheckAsync(DateTime.UtcNow, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next check tries again; the lock expires by itself if this one could not release it.
                    LogSchedulerFailed(e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler check failed: {Message}")]
    private partial void LogSchedulerFailed(string message);
}
