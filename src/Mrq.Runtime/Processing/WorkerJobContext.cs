using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Maintenance;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>The <see cref="JobContext"/> of a job a worker runs.</summary>
internal sealed class WorkerJobContext(RunningJob running, IServiceProvider services, ILogger workerLogger, bool quiet, Action<JobId, double> reportProgress, IMaintenanceContext worker) : JobContext, IMaintenanceContext
{
    IJobStore IMaintenanceContext.Store => worker.Store;

    TaskPolicies IMaintenanceContext.Policies => worker.Policies;

    string? IMaintenanceContext.WorkerId => worker.WorkerId;

    public override JobId Id => running.Job.Id;

    public override string Path => running.Job.Path;

    public override string Queue => running.Job.Queue;

    public override int RetryCount => running.Job.RetryCount;

    public override CancellationToken CancellationToken => running.CancellationToken;

    public override IServiceProvider Services => services;

    // Created on first use: most tasks never log, and the buffer is per job.
    public override ILogger Logger => running.Logger ??= new JobLogger(workerLogger, quiet, running.Job.Id);

    public override void SetProgress(double progress)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(progress, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(progress, 1);
        reportProgress(Id, progress);
    }
}
