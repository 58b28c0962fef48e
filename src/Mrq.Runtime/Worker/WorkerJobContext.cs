using Mrq.Storage;

namespace Mrq.Worker;

/// <summary>The <see cref="JobContext"/> of a job a worker runs.</summary>
internal sealed class WorkerJobContext(ClaimedJob job, IServiceProvider services, CancellationToken cancellationToken) : JobContext
{
    public override JobId Id => job.Id;

    public override string Path => job.Path;

    public override string Queue => job.Queue;

    public override int RetryCount => job.RetryCount;

    public override CancellationToken CancellationToken => cancellationToken;

    public override IServiceProvider Services => services;
}
