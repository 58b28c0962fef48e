using Mrq.Configuration;
using Mrq.Storage;

namespace Mrq.Maintenance;

/// <summary>
/// MRQ's cleaning tasks, store-agnostic: <c>RequeueStartedJobs</c> (jobs left <c>started</c> by dead workers or far past
/// their timeout), <c>RequeueInterruptedJobs</c> and <c>RequeueRetryJobs</c>. Every worker runs them as part of its
/// maintenance; they are idempotent and safe to run from many workers at once, because a requeue only applies to a job
/// still in the state it was seen in.
/// </summary>
internal static class JobRecovery
{
    /// <summary>MRQ's default <c>timeout</c> param of RequeueStartedJobs: seconds past a job's own timeout.</summary>
    public const double DefaultStartedTimeoutMargin = 300;

    /// <summary>A worker silent for this many of its report intervals is dead.</summary>
    public const int SilentIntervals = 3;

    /// <summary>The shortest silence taken for death, whatever the report interval.</summary>
    public static readonly TimeSpan MinimumSilence = TimeSpan.FromSeconds(5);

    /// <summary>Reports older than this are deleted (MRQ's TTL index on <c>mrq_workers.datereported</c>).</summary>
    public static readonly TimeSpan ReportTtl = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether a report shows a live worker: not stopped, and (when it reports periodically) heard from within
    /// <see cref="SilentIntervals"/> of its own report intervals. A worker with reports disabled (interval 0) counts as
    /// alive while its report exists (MRQ's rule: until the report expires).
    /// </summary>
    public static bool IsAlive(WorkerReport report, DateTime now)
    {
        if (report.Status == WorkerStatus.Stop)
        {
            return false;
        }

        if (report.Config.ReportInterval <= 0)
        {
            return true;
        }

        var silence = TimeSpan.FromSeconds(report.Config.ReportInterval * SilentIntervals);
        return now - report.DateReported <= (silence > MinimumSilence ? silence : MinimumSilence);
    }

    /// <summary>
    /// RequeueStartedJobs: requeues every <c>started</c> job whose worker is not alive (no report, stopped, or silent),
    /// or that started more than its task's timeout plus <paramref name="timeoutMargin"/> seconds ago. The caller's own
    /// worker (<paramref name="selfId"/>) always counts as alive. Returns MRQ's numbers: requeued, and started (seen).
    /// </summary>
    public static async Task<(long Requeued, long Started)> RequeueStartedJobsAsync(
        IJobStore store, TaskPolicies policies, DateTime now, double timeoutMargin = DefaultStartedTimeoutMargin, string? selfId = null, CancellationToken cancellationToken = default)
    {
        var alive = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in await store.GetWorkersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (IsAlive(report, now))
            {
                alive.Add(report.Id);
            }
        }

        if (selfId is not null)
        {
            alive.Add(selfId);
        }

        var started = await store.GetStartedJobsAsync(cancellationToken).ConfigureAwait(false);
        var stale = new List<StartedJob>();
        foreach (var job in started)
        {
            var deadWorker = job.Worker is null || !alive.Contains(job.Worker);
            var overdue = job.DateStarted is { } date && date < now.AddSeconds(-(policies.For(job.Path).Timeout + timeoutMargin));
            if (deadWorker || overdue)
            {
                stale.Add(job);
            }
        }

        var requeued = await store.RequeueStartedAsync(stale, now, cancellationToken).ConfigureAwait(false);
        return (requeued, started.Count);
    }

    /// <summary>RequeueInterruptedJobs: every <c>interrupt</c> job back to the end of its queue, keeping its retry count.</summary>
    public static ValueTask<long> RequeueInterruptedJobsAsync(IJobStore store, DateTime now, CancellationToken cancellationToken = default) =>
        store.RequeueAsync(new JobFilter { Statuses = [JobStatus.Interrupt] }, destinationQueue: null, keepRetryCount: true, now, cancellationToken);

    /// <summary>RequeueRetryJobs: <c>retry</c> jobs whose delay has passed back to their queue, keeping their retry count.</summary>
    public static ValueTask<long> RequeueRetryJobsAsync(IJobStore store, DateTime now, CancellationToken cancellationToken = default) =>
        store.RequeueDueRetriesAsync(now, cancellationToken);
}
