using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mrq.Configuration;

namespace Mrq.Hosting;

/// <summary>
/// Counts the hosted workers that ended by themselves (burst with empty queues, max_jobs, max_time, max_memory) and,
/// with <see cref="MrqSettings.StopHostWhenWorkersEnd"/>, stops the host once the last one has: a worker program run
/// as a batch (a Kubernetes Job, a cron entry) then exits as the command line's worker does.
/// </summary>
internal sealed partial class HostedWorkersEnd(MrqWorkerNames workers, IOptions<MrqSettings> settings, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("Mrq.Worker");
    private int _ended;

    /// <summary>Called once by each hosted worker whose loop ended while the host was not stopping.</summary>
    public void Ended()
    {
        if (Interlocked.Increment(ref _ended) < workers.Names.Count
            || !settings.Value.StopHostWhenWorkersEnd
            || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return;
        }

        LogStoppingHost(workers.Names.Count);
        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Every hosted worker ({Count}) has ended; stopping the host (StopHostWhenWorkersEnd)")]
    private partial void LogStoppingHost(int count);
}
