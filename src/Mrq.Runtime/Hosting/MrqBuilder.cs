using Microsoft.Extensions.DependencyInjection;
using Mrq.Configuration;

namespace Mrq.Hosting;

/// <summary>
/// Configures Mrq in a host, returned by <c>services.AddMrq(...)</c>: where jobs are stored
/// (<see cref="UseSqlite(string)"/>, <c>UseRedis</c>, <c>UseMongoDB</c>) and any other setting in code. Code
/// configuration is applied after the <c>"Mrq"</c> configuration section, so it wins.
/// </summary>
public sealed class MrqBuilder
{
    internal MrqBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The host's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Changes settings in code, for the client and every hosted worker.</summary>
    public MrqBuilder Configure(Action<MrqSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.ConfigureAll(configure);
        return this;
    }

    /// <summary>Keeps jobs in the embedded store, the SQLite file at <paramref name="path"/> (MRQ's <c>EMBEDDED_DB</c>).</summary>
    public MrqBuilder UseSqlite(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Configure(static settings => settings.MongoDbJobs = null);
        return Set("embedded_db", path, nameof(UseSqlite));
    }

    /// <summary>
    /// Enqueues <paramref name="job"/> at the times of <paramref name="cron"/> (five fields, UTC, e.g. <c>"0 6 * * *"</c>
    /// or <c>"@hourly"</c>), as a <c>SCHEDULER_TASKS</c> entry added to those of the configuration, and runs the scheduler
    /// in this host's workers (MRQ's <c>--scheduler</c>; any number of hosts may run it: each entry is enqueued once per
    /// time). The workers' schedule replaces the stored one, so declare every entry in the hosts whose workers schedule.
    /// </summary>
    /// <remarks>A leading <c>CRON_TZ=Europe/Paris</c> runs it on that zone's clock; see also the overload with a <see cref="TimeZoneInfo"/>.</remarks>
    /// <exception cref="ArgumentException"><paramref name="cron"/> is not a cron expression that ever fires.</exception>
    public MrqBuilder Schedule(JobRequest job, string cron)
    {
        ArgumentNullException.ThrowIfNull(cron);
        if (!Scheduling.CronSchedule.TryParse(cron, out _, out var error))
        {
            throw new ArgumentException($"Schedule(): expected {error}, got \"{cron}\".", nameof(cron));
        }

        var expression = cron.Trim();
        return Configure(settings =>
        {
            Scheduling.ScheduleEntries.AddCron(settings, job, expression);
            settings.Scheduler = true;
        });
    }

    /// <summary>
    /// Limits <paramref name="queue"/> (and its subqueues) to <paramref name="limit"/> jobs started per window of
    /// <paramref name="per"/>, across every worker sharing the broker: the <c>QUEUES_CONFIG</c> entry
    /// <c>{"rate_limit": {"limit": …, "per": …}}</c> (docs/queues.md, "Rate limits"), merged with the section's.
    /// </summary>
    /// <exception cref="ArgumentException">An empty queue name, a limit below 1, or a window that is not a whole number of seconds (at least one).</exception>
    public MrqBuilder LimitQueue(string queue, int limit, TimeSpan per)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (per < TimeSpan.FromSeconds(1) || per.Ticks % TimeSpan.TicksPerSecond != 0 || per.TotalSeconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(per), per, "LimitQueue(): expected a whole number of seconds, at least 1.");
        }

        return Configure(settings => QueuesConfig.SetRateLimit(settings, queue, limit, (int)per.TotalSeconds));
    }

    /// <summary>
    /// Enqueues <paramref name="job"/> at the times of <paramref name="cron"/> on <paramref name="timeZone"/>'s clock
    /// (Hangfire's <c>RecurringJobOptions.TimeZone</c>): <c>Schedule(job, "0 9 * * MON-FRI", parisTime)</c> runs at 09:00
    /// in Paris, summer and winter. A time the clock skips when daylight saving starts runs at the moment of the jump, a
    /// time it passes twice when it ends runs once. Stored as the expression <c>CRON_TZ=&lt;zone id&gt; &lt;cron&gt;</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="cron"/> is not a cron expression that ever fires, or already
    /// names a zone, or <paramref name="timeZone"/> is not a zone that workers can find by its id.</exception>
    public MrqBuilder Schedule(JobRequest job, string cron, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(cron);
        ArgumentNullException.ThrowIfNull(timeZone);
        if (Scheduling.CronSchedule.NamesZone(cron))
        {
            throw new ArgumentException($"Schedule(): the expression names a zone already (\"{cron}\"); give the zone once.", nameof(cron));
        }

        return Schedule(job, "CRON_TZ=" + timeZone.Id + " " + cron.Trim());
    }

    /// <summary>
    /// Sets one of MRQ's keys from code, parsed and checked like the configuration section: a bad value stops the host
    /// at start with a message naming <paramref name="method"/>. Adapter packages' builder extensions (<c>UseRedis</c>)
    /// call it for the key they own.
    /// </summary>
    /// <param name="key">MRQ's key, lower case (<c>redis</c>, <c>mongodb_jobs</c>).</param>
    /// <param name="value">The value, as it would appear in the configuration section.</param>
    /// <param name="method">The builder method that sets it, named in errors.</param>
    /// <returns>This builder.</returns>
    public MrqBuilder Set(string key, string value, string method)
    {
        Services.ConfigureAll<MrqSettings>(settings => MrqConfigurationSection.TryApply(key, value, settings, method + "()", settings.ConfigurationErrors));
        return this;
    }
}
