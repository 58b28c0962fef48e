namespace Mrq.Storage;

/// <summary>
/// What keeps a job store healthy over time: due retries back to their queue, expired jobs deleted, claims a worker lost
/// while it ran them (cancelled, requeued, purged), and jobs left <c>started</c> by workers that died (recovery).
/// </summary>
public interface IJobMaintenance
{
    /// <summary>Requeues <c>retry</c> jobs whose due date has passed, keeping their retry count. Returns how many.</summary>
    ValueTask<long> RequeueDueRetriesAsync(DateTime now, CancellationToken cancellationToken = default);

    /// <summary>Deletes jobs (and their logs) whose <c>dateexpires</c> has passed. Returns how many.</summary>
    ValueTask<long> PurgeExpiredAsync(DateTime now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Among <paramref name="ids"/> (jobs <paramref name="workerId"/> is running), those no longer <c>started</c> by that
    /// worker: cancelled, requeued, or purged while they ran. One round trip.
    /// </summary>
    ValueTask<IReadOnlyList<JobId>> FindLostClaimsAsync(IReadOnlyList<JobId> ids, string workerId, CancellationToken cancellationToken = default);

    /// <summary>Every job in status <c>started</c>, with its worker and start date (one round trip).</summary>
    ValueTask<IReadOnlyList<StartedJob>> GetStartedJobsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Requeues, at the end of their queue (or at a job's <see cref="StartedJob.DateQueued"/> when it has one) and
    /// keeping their retry count, those of <paramref name="jobs"/> that are still <c>started</c> by the same worker (a
    /// job that ended or was claimed again meanwhile is left alone). Returns how many.
    /// </summary>
    ValueTask<long> RequeueStartedAsync(IReadOnlyList<StartedJob> jobs, DateTime now, CancellationToken cancellationToken = default);
}
