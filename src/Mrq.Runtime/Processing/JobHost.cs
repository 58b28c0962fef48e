using Microsoft.Extensions.Logging;
using Mrq.Maintenance;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// What every job of a worker reaches through its context (<see cref="RunningJob"/>): the application's services, the
/// worker's log, progress reporting and the store for the built-in maintenance tasks. One per worker, so a job's context
/// costs no object of its own.
/// </summary>
internal sealed class JobHost(IServiceProvider services, ILogger workerLogger, bool quiet, Action<JobId, double> reportProgress, IMaintenanceContext maintenance, Lazy<IQueueBroker> broker)
{
    public IServiceProvider Services => services;

    /// <summary>The worker's own log, where a job's lines are also written unless <see cref="Quiet"/>.</summary>
    public ILogger WorkerLogger => workerLogger;

    public bool Quiet => quiet;

    public Action<JobId, double> ReportProgress => reportProgress;

    public IMaintenanceContext Maintenance => maintenance;

    /// <summary>The worker's raw-queue broker, which also keeps the rate-limit counters (opened on first use).</summary>
    public IRateLimits RateLimits => broker.Value;
}
