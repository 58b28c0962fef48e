namespace Mrq.Storage;

/// <summary>
/// The scheduler's state (MRQ's <c>mrq_scheduled_jobs</c>): the configured entries and when each last enqueued its job,
/// shared by every worker that runs the scheduler.
/// </summary>
public interface IScheduleStore
{
    /// <summary>
    /// Brings the stored schedule (MRQ's <c>mrq_scheduled_jobs</c>) in line with <paramref name="configured"/> in one
    /// transaction: entries whose hash is no longer configured are deleted, new ones inserted with their
    /// <see cref="ScheduledJob.DateLastQueued"/>, unchanged ones keep their state. Returns the stored entries.
    /// </summary>
    ValueTask<IReadOnlyList<ScheduledJob>> SyncScheduledJobsAsync(IReadOnlyList<ScheduledJob> configured, CancellationToken cancellationToken = default);

    /// <summary>Every stored schedule entry.</summary>
    ValueTask<IReadOnlyList<ScheduledJob>> GetScheduledJobsAsync(CancellationToken cancellationToken = default);

    /// <summary>Records when a schedule entry last enqueued its job.</summary>
    ValueTask SetScheduledJobQueuedAsync(string hash, DateTime dateLastQueued, CancellationToken cancellationToken = default);
}
