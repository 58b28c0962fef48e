using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Maintenance;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// A job in flight: its cancellation, deadline and the single right to write its final status. Whoever calls
/// <see cref="TryFinish"/> first (the task returning, the timeout monitor, a forced stop) decides the outcome, which is
/// MRQ's guard that a final status is never overwritten. It is also the <see cref="JobContext"/> the task gets (one
/// object per job instead of two), with what all jobs share in <see cref="JobHost"/>.
/// </summary>
/// <remarks>
/// The job's token source is created the first time the task asks for its token: most tasks take no
/// <see cref="System.Threading.CancellationToken"/>, and a source linked to the worker's interrupt token cost every job
/// three allocations and a registration on that token (docs/benchmarks.md). A cancel that comes first is remembered and
/// applied when the source is created.
/// </remarks>
internal sealed class RunningJob(ClaimedJob job, TaskPolicy policy, TaskDescriptor? descriptor, JobHost host, CancellationToken interrupt) : JobContext, IMaintenanceContext, IDisposable
{
    private CancellationTokenSource? _cancellation;
    private JobLogger? _logger;
    private int _cancelRequested;
    private int _finished;

    public ClaimedJob Job { get; } = job;

    public TaskPolicy Policy { get; } = policy;

    /// <summary>The task to run, as found when the job started; null when no task was registered under its path then.</summary>
    public TaskDescriptor? Descriptor { get; } = descriptor;

    /// <summary>When the job times out (UTC).</summary>
    public DateTime Deadline { get; } = job.DateStarted.AddSeconds(policy.Timeout);

    public override JobId Id => Job.Id;

    public override string Path => Job.Path;

    public override string Queue => Job.Queue;

    public override int RetryCount => Job.RetryCount;

    public override IServiceProvider Services => host.Services;

    // Created on first use: most tasks never log, and the buffer is per job.
    public override ILogger Logger => _logger ??= new JobLogger(host.WorkerLogger, host.Quiet, Job.Id);

    IJobStore IMaintenanceContext.Store => host.Maintenance.Store;

    TaskPolicies IMaintenanceContext.Policies => host.Maintenance.Policies;

    string? IMaintenanceContext.WorkerId => host.Maintenance.WorkerId;

    public override CancellationToken CancellationToken
    {
        get
        {
            var source = Volatile.Read(ref _cancellation);
            if (source is null)
            {
                var created = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
                source = Interlocked.CompareExchange(ref _cancellation, created, null) ?? created;
                if (!ReferenceEquals(source, created))
                {
                    created.Dispose();
                }

                // A Cancel that ran before the source existed (the exchange above and the one in Cancel are full fences,
                // so one of the two sides sees the other).
                if (Volatile.Read(ref _cancelRequested) != 0)
                {
                    CancelSource(source);
                }
            }

            return source.Token;
        }
    }

    /// <summary>Why the job's token was cancelled by the worker, if it was (a forced stop counts as interrupt).</summary>
    public JobStatus? CancelledAs
    {
        get => _cancelledAs ?? (interrupt.IsCancellationRequested ? JobStatus.Interrupt : null);
        private set => _cancelledAs = value;
    }

    private JobStatus? _cancelledAs;

    public override void SetProgress(double progress)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(progress, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(progress, 1);
        host.ReportProgress(Job.Id, progress);
    }

    protected override ValueTask<long> CountRateLimitedCallAsync(string key, TimeSpan per, CancellationToken cancellationToken) =>
        host.RateLimits.CountCallsAsync(key, 1, per, DateTime.UtcNow, cancellationToken);

    /// <summary>The job's slot in <see cref="WorkerState"/>'s jobs in flight (-1: in its overflow map).</summary>
    internal int Slot { get; set; }

    /// <summary>The lines the task logged so far, or null when there are none.</summary>
    public string? TakeLogs() => _logger?.TakeLines();

    /// <summary>Takes the right to write the job's final status; false when someone already did.</summary>
    public bool TryFinish() => Interlocked.Exchange(ref _finished, 1) == 0;

    /// <summary>Whether the job's final status is decided (by its end, a timeout, a forced stop or a lost claim).</summary>
    public bool IsFinished => Volatile.Read(ref _finished) != 0;

    /// <summary>
    /// Whether the job has taken its greenlet: a job claimed ahead has not while it waits (the timeout monitor leaves it
    /// alone then; it is handed back to its queue if it waits too long).
    /// </summary>
    public bool HasStarted { get; set; }

    /// <summary>Cancels the task's token, recording why.</summary>
    public void Cancel(JobStatus reason)
    {
        _cancelledAs ??= reason;
        Interlocked.Exchange(ref _cancelRequested, 1);
        if (Volatile.Read(ref _cancellation) is { } source)
        {
            CancelSource(source);
        }
    }

    public void Dispose() => Volatile.Read(ref _cancellation)?.Dispose();

    private static void CancelSource(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The job finished meanwhile.
        }
    }
}
