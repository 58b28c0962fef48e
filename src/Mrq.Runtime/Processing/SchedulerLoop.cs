using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Scheduling;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>The scheduler of a <c>--scheduler</c> worker: a check at start, then every <c>scheduler_interval</c> seconds until the worker stops dequeuing.</summary>
internal sealed partial class SchedulerLoop(MrqSettings settings, IJobStore store, Lazy<IQueueBroker>? broker, string workerId, ILogger logger)
{
    private readonly ILogger _logger = logger;

    public async Task RunAsync(CancellationToken stop)
    {
        if (!settings.Scheduler || settings.SchedulerInterval <= 0 || broker is null)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(settings.SchedulerInterval);
        var scheduler = new Scheduler(store, broker.Value, SchedulerConfig.Read(settings), workerId, interval, _logger);
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
