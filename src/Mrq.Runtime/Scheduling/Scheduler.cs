using Microsoft.Extensions.Logging;
using Mrq.Infrastructure;
using Mrq.Serialization;
using Mrq.Storage;

namespace Mrq.Scheduling;

/// <summary>
/// MRQ's scheduler (<c>--scheduler</c>): every <c>scheduler_interval</c> seconds a worker checks the schedule and
/// enqueues the jobs that are due. Checks run under a lock in the broker (the <c>schedulerlock</c> slot, held until
/// the check ends or for the interval plus 10 s if its holder dies), and each check re-reads the stored state, so with
/// any number of scheduler workers an entry is enqueued once per period. A worker that finds the lock taken skips that
/// check (the holder is doing it).
/// </summary>
internal sealed partial class Scheduler(IJobStore store, IQueueBroker broker, IReadOnlyList<ScheduledJob> configured, string workerId, TimeSpan interval, ILogger logger)
{
    /// <summary>The broker slot that serializes checks across workers (MRQ's <c>&lt;prefix&gt;:schedulerlock</c>).</summary>
    public const string LockName = "schedulerlock";

    private bool _synced;

    /// <summary>One check at <paramref name="now"/>; returns how many jobs it enqueued (0 when another worker held the lock).</summary>
    public async Task<int> CheckAsync(DateTime now, CancellationToken cancellationToken)
    {
        if (!await broker.TryAcquireSlotAsync(LockName, workerId, 1, now, now + interval + TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        try
        {
            IReadOnlyList<ScheduledJob> entries;
            if (!_synced)
            {
                // The first check brings the stored schedule in line with this worker's config.
                entries = await store.SyncScheduledJobsAsync(configured.Select(e => WithInitialState(e, now)).ToArray(), cancellationToken).ConfigureAwait(false);
                _synced = true;
            }
            else
            {
                entries = await store.GetScheduledJobsAsync(cancellationToken).ConfigureAwait(false);
            }

            var queued = 0;
            foreach (var entry in entries)
            {
                if (!IsDue(entry, now))
                {
                    continue;
                }

                var job = JobOf(entry);
                await store.EnqueueAsync(new[] { new NewJob(JobId.NewId(now), job.Path, job.Queue, job.Params, now) }, cancellationToken).ConfigureAwait(false);
                await store.SetScheduledJobQueuedAsync(entry.Hash, now, cancellationToken).ConfigureAwait(false);
                LogQueued(job.Path, job.Queue, entry.Hash);
                queued++;
            }

            return queued;
        }
        finally
        {
            await broker.ReleaseSlotAsync(LockName, workerId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// MRQ's rules: not before its last run; only on its month day and weekday when given; a daily entry once per UTC day,
    /// from its time of day on; an interval entry when the interval has passed since its last run. A cron entry once its
    /// next time after its last run has come.
    /// </summary>
    public static bool IsDue(ScheduledJob entry, DateTime now)
    {
        if (entry.DateLastQueued >= now)
        {
            return false;
        }

        if (entry.Cron is { } cron)
        {
            // Due once its next time after the last run has come: missed times (every worker down) run once, not each.
            return CronSchedule.TryParse(cron, out var schedule, out _) && schedule!.NextAfter(entry.DateLastQueued) <= now;
        }

        if (entry.Monthday is { } monthday && monthday != now.Day)
        {
            return false;
        }

        if (entry.Weekday is { } weekday && weekday != ((int)now.DayOfWeek + 6) % 7)
        {
            return false;
        }

        if (entry.DailyTime is { } dailyTime)
        {
            return entry.DateLastQueued.Date < now.Date && now.TimeOfDay >= dailyTime;
        }

        return entry.Interval is { } seconds && now - entry.DateLastQueued >= TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// The job the scheduler enqueues for <paramref name="entry"/> (also the dashboard's "run now"), on the entry's queue,
    /// else its task's default queue, else <c>default</c>. The queue is named, so a client that enqueues it puts it
    /// there too rather than where the config's <c>TASKS</c> would send an unnamed one.
    /// </summary>
    public static JobRequest JobOf(ScheduledJob entry) =>
        new JobRequest(entry.Path, MessagePackJson.FromJson(entry.Params ?? "{}"), "default")
            .OnQueue(entry.Queue ?? (TaskCatalog.TryFind(entry.Path, out var task) ? task.DefaultQueue : "default"));

    /// <summary>
    /// When <paramref name="entry"/> is next due by <see cref="IsDue"/>'s rules (the dashboard's "next" column): at
    /// once if it never ran, else its interval after its last run, its daily time on the next day it may run, or its
    /// cron expression's next time; null when none comes within five years. A scheduler worker queues it within one
    /// check interval of that time.
    /// </summary>
    public static DateTime? NextDue(ScheduledJob entry, DateTime now)
    {
        var last = DateTime.SpecifyKind(entry.DateLastQueued, DateTimeKind.Utc);
        if (entry.Cron is { } cron)
        {
            return CronSchedule.TryParse(cron, out var schedule, out _) ? schedule!.NextAfter(last) : null;
        }

        if (entry.DailyTime is { } time)
        {
            // The first day after the last run's (and not before today) that its weekday and monthday allow.
            var day = last.Date.AddDays(1) > now.Date ? last.Date.AddDays(1) : now.Date;
            for (var end = day.AddYears(5); day < end; day = day.AddDays(1))
            {
                if ((entry.Monthday is not { } monthday || monthday == day.Day) && (entry.Weekday is not { } weekday || weekday == ((int)day.DayOfWeek + 6) % 7))
                {
                    return DateTime.SpecifyKind(day + time, DateTimeKind.Utc);
                }
            }

            return null;
        }

        return entry.Interval is { } seconds && last > DateTime.MinValue ? last.AddSeconds(seconds) : DateTime.SpecifyKind(now, DateTimeKind.Utc);
    }

    /// <summary>
    /// The state a new entry starts with: never run, except a daily entry whose time already passed today, which waits
    /// for tomorrow (as MRQ), and a cron entry, which waits for its next time (as Hangfire's recurring jobs).
    /// </summary>
    private static ScheduledJob WithInitialState(ScheduledJob entry, DateTime now) =>
        entry.Cron is not null || (entry.DailyTime is { } time && now.TimeOfDay >= time) ? entry with { DateLastQueued = now } : entry;

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler: queued {Path} on {Queue} ({Hash})")]
    private partial void LogQueued(string path, string queue, string hash);
}
