namespace Mrq.Storage;

/// <summary>
/// One entry of MRQ's <c>SCHEDULER_TASKS</c> with its state (MRQ's <c>mrq_scheduled_jobs</c> document): what to
/// enqueue, when (every <see cref="Interval"/> seconds, or once a day at <see cref="DailyTime"/> UTC, optionally only
/// on a <see cref="Weekday"/> or <see cref="Monthday"/>, or at the times of a <see cref="Cron"/> expression), and when
/// it last was.
/// </summary>
public sealed record ScheduledJob
{
    /// <summary>The entry's identity: every field but the state, so a changed entry is a new one.</summary>
    public required string Hash { get; init; }

    /// <summary>The task path to enqueue.</summary>
    public required string Path { get; init; }

    /// <summary>The params as a JSON object, or null for none.</summary>
    public string? Params { get; init; }

    /// <summary>The queue, or null for the task's default queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Seconds between runs.</summary>
    public int? Interval { get; init; }

    /// <summary>Time of day (UTC) of a daily run.</summary>
    public TimeSpan? DailyTime { get; init; }

    /// <summary>0 = Monday … 6 = Sunday (MRQ's, Python's numbering).</summary>
    public int? Weekday { get; init; }

    /// <summary>1 … 31.</summary>
    public int? Monthday { get; init; }

    /// <summary>
    /// A five-field cron expression (Mrq's; MRQ has none), in UTC unless it starts with <c>CRON_TZ=zone</c>, instead of the
    /// other timing fields.
    /// </summary>
    public string? Cron { get; init; }

    /// <summary>When the entry last enqueued its job (the epoch when never).</summary>
    public DateTime DateLastQueued { get; init; } = DateTime.UnixEpoch;
}
