using Microsoft.Extensions.Logging.Abstractions;
using Mrq.Configuration;
using Mrq.Scheduling;
using Mrq.Storage;
using Mrq.Tests.Support;
using Mrq.Tests.Worker;

namespace Mrq.Tests.Operations;

/// <summary>
/// MRQ's scheduler (test_scheduler_*): when entries are due, once per period across workers, config changes, and the
/// config checks that stop a worker at start.
/// </summary>
public sealed class SchedulerTests
{
    private static readonly DateTime s_wednesday = new(2030, 1, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void An_interval_entry_is_due_once_its_interval_has_passed()
    {
        var entry = Entry("""{ "path": "x", "interval": 10 }""");
        Assert.True(Scheduler.IsDue(entry, s_wednesday));
        Assert.False(Scheduler.IsDue(entry with { DateLastQueued = s_wednesday.AddSeconds(-9) }, s_wednesday));
        Assert.True(Scheduler.IsDue(entry with { DateLastQueued = s_wednesday.AddSeconds(-10) }, s_wednesday));
        Assert.False(Scheduler.IsDue(entry with { DateLastQueued = s_wednesday.AddSeconds(1) }, s_wednesday));
    }

    [Fact]
    public void A_daily_entry_is_due_once_a_day_from_its_time_on_its_weekday_or_monthday()
    {
        var daily = Entry("""{ "path": "x", "dailytime": "12:30" }""");
        Assert.False(Scheduler.IsDue(daily, s_wednesday));
        Assert.True(Scheduler.IsDue(daily, s_wednesday.AddMinutes(30)));
        Assert.False(Scheduler.IsDue(daily with { DateLastQueued = s_wednesday.AddMinutes(30) }, s_wednesday.AddHours(5)));
        Assert.True(Scheduler.IsDue(daily with { DateLastQueued = s_wednesday.AddMinutes(30) }, s_wednesday.AddDays(1).AddMinutes(31)));

        var wednesdays = Entry("""{ "path": "x", "dailytime": "00:00", "weekday": 2 }""");
        Assert.True(Scheduler.IsDue(wednesdays, s_wednesday));
        Assert.False(Scheduler.IsDue(wednesdays, s_wednesday.AddDays(1)));

        var second = Entry("""{ "path": "x", "dailytime": "00:00", "monthday": 2 }""");
        Assert.True(Scheduler.IsDue(second, s_wednesday));
        Assert.False(Scheduler.IsDue(second, s_wednesday.AddDays(1)));
    }

    [Theory]
    [InlineData("*/15 * * * *", "2030-01-02T12:07", "2030-01-02T12:15")]
    [InlineData("0 9 * * MON-FRI", "2030-01-04T09:00", "2030-01-07T09:00")]     // Friday 9:00 → Monday
    [InlineData("30 2 1 * *", "2030-01-02T12:00", "2030-02-01T02:30")]
    [InlineData("0 0 29 2 *", "2030-01-01T00:00", "2032-02-29T00:00")]          // the next leap day
    [InlineData("0 12 13 * 5", "2030-01-02T12:00", "2030-01-04T12:00")]         // the 13th or a Friday: Friday comes first
    [InlineData("0 0 * * 7", "2030-01-02T12:00", "2030-01-06T00:00")]           // 7 is Sunday too
    [InlineData("5-10/5 8,20 * JAN,dec *", "2030-01-02T12:00", "2030-01-02T20:05")]
    [InlineData("@hourly", "2030-01-02T12:00:30", "2030-01-02T13:00")]
    [InlineData("@weekly", "2030-01-02T12:00", "2030-01-06T00:00")]
    [InlineData("@yearly", "2030-01-02T12:00", "2031-01-01T00:00")]
    public void A_cron_expression_fires_at_its_next_matching_minute(string cron, string after, string next)
    {
        Assert.True(CronSchedule.TryParse(cron, out var schedule, out var error), error);

        var at = schedule!.NextAfter(DateTime.Parse(after, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal));

        Assert.Equal(next, at?.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("*/7 * * * *")]
    [InlineData("0,30 */5 * * *")]
    [InlineData("15 10-14/2 * * TUE,THU")]
    [InlineData("0 0 1,15 * WED")]
    [InlineData("59 23 31 * *")]
    [InlineData("*/20 * 2-3 * 0")]
    public void The_next_time_is_the_first_matching_minute_found_by_walking_minute_by_minute(string cron)
    {
        Assert.True(CronSchedule.TryParse(cron, out var schedule, out var error), error);
        var fields = cron.Split(' ');
        var random = new Random(20301);
        for (var sample = 0; sample < 20; sample++)
        {
            var after = s_wednesday.AddMinutes(random.Next(0, 60 * 24 * 60)).AddSeconds(random.Next(0, 60));

            var expected = after.AddSeconds(-after.Second).AddMinutes(1);
            while (!CronReference.Matches(fields, expected))
            {
                expected = expected.AddMinutes(1);
            }

            Assert.Equal(expected, schedule!.NextAfter(after));
        }
    }

    [Fact]
    public void The_next_due_time_follows_the_rules_of_IsDue_for_each_kind_of_entry()
    {
        var never = DateTime.MinValue;
        var lastRun = s_wednesday.AddMinutes(-30);

        Assert.Equal(s_wednesday, Scheduler.NextDue(Entry("""{ "path": "x", "interval": 60 }""") with { DateLastQueued = never }, s_wednesday));
        Assert.Equal(lastRun.AddHours(1), Scheduler.NextDue(Entry("""{ "path": "x", "interval": 3600 }""") with { DateLastQueued = lastRun }, s_wednesday));
        Assert.Equal(s_wednesday.AddMinutes(15), Scheduler.NextDue(Entry("""{ "path": "x", "cron": "*/15 * * * *" }""") with { DateLastQueued = s_wednesday.AddMinutes(1) }, s_wednesday.AddMinutes(2)));

        // Daily: today's time if it has not run today, else tomorrow's; on its weekday (2 = Wednesday) or monthday only.
        var daily = Entry("""{ "path": "x", "dailytime": "18:00" }""");
        Assert.Equal(s_wednesday.Date.AddHours(18), Scheduler.NextDue(daily with { DateLastQueued = s_wednesday.AddDays(-1) }, s_wednesday));
        Assert.Equal(s_wednesday.Date.AddDays(1).AddHours(18), Scheduler.NextDue(daily with { DateLastQueued = s_wednesday }, s_wednesday));
        var wednesdays = Entry("""{ "path": "x", "dailytime": "06:00", "weekday": 2 }""") with { DateLastQueued = s_wednesday.Date.AddHours(6) };
        Assert.Equal(s_wednesday.Date.AddDays(7).AddHours(6), Scheduler.NextDue(wednesdays, s_wednesday));
        var firsts = Entry("""{ "path": "x", "dailytime": "00:30", "monthday": 1 }""") with { DateLastQueued = s_wednesday };
        Assert.Equal(new DateTime(2030, 2, 1, 0, 30, 0, DateTimeKind.Utc), Scheduler.NextDue(firsts, s_wednesday));
    }

    [Fact]
    public async Task The_job_of_an_entry_goes_to_the_entry_s_queue_even_through_a_client_whose_TASKS_names_another()
    {
        using var directory = new TempDirectory();
        var settings = new MrqSettings { EmbeddedDb = directory.File("mrq.db") };
        settings.Extra["TASKS"] = """{ "tests.worker.Sleep": { "queue": "elsewhere" } }""";
        await using var client = MrqClient.Create(settings);
        var entry = Entry("""{ "path": "tests.worker.Sleep", "params": { "ms": 1 }, "queue": "reports", "interval": 60 }""");

        // The dashboard's "run now" enqueues through a client; the scheduler writes the same job to the store.
        var id = await client.EnqueueAsync(Scheduler.JobOf(entry));

        Assert.Equal("reports", (await client.GetJobAsync(id))!.Queue);
    }

    [Fact]
    public void A_cron_entry_is_due_once_its_next_time_has_come_and_a_missed_run_happens_once()
    {
        var entry = Entry("""{ "path": "x", "cron": "0 * * * *" }""") with { DateLastQueued = s_wednesday.AddMinutes(-30) };

        Assert.True(Scheduler.IsDue(entry, s_wednesday));
        Assert.False(Scheduler.IsDue(entry with { DateLastQueued = s_wednesday }, s_wednesday.AddMinutes(59)));
        Assert.True(Scheduler.IsDue(entry with { DateLastQueued = s_wednesday }, s_wednesday.AddHours(1)));
        Assert.True(Scheduler.IsDue(entry with { DateLastQueued = s_wednesday.AddDays(-3) }, s_wednesday));
        Assert.Equal("x None None None None None None cron=0 * * * *", entry.Hash);
    }

    [Fact]
    public async Task A_new_cron_entry_waits_for_its_next_time_instead_of_running_at_once()
    {
        await using var harness = new WorkerHarness();
        var config = Config("""[{ "path": "tests.worker.Sleep", "params": { "ms": 1 }, "cron": "0 0 * * *" }]""");
        var scheduler = new Scheduler(harness.Store, harness.Broker, config, "w1", TimeSpan.FromSeconds(1), NullLogger.Instance);

        Assert.Equal(0, await scheduler.CheckAsync(s_wednesday, default));
        Assert.Equal(0, await scheduler.CheckAsync(s_wednesday.AddHours(11).AddMinutes(59), default));
        Assert.Equal(1, await scheduler.CheckAsync(s_wednesday.AddHours(12), default));
        Assert.Equal(0, await scheduler.CheckAsync(s_wednesday.AddHours(12).AddMinutes(1), default));
        Assert.Equal(1, await harness.Store.CountAsync("default", JobStatus.Queued));
    }

    [Theory]
    [InlineData("""[{ "path": "x", "interval": 5 }, { "path": "x", "interval": 5 }]""", "same entry")]
    [InlineData("""[{ "path": "x", "monthday": 1 }]""", "need a dailytime")]
    [InlineData("""[{ "path": "x", "weekday": 1 }]""", "need a dailytime")]
    [InlineData("""[{ "path": "x" }]""", "give an interval, a dailytime or a cron expression")]
    [InlineData("""[{ "path": "x", "cron": "* * * *" }]""", ".cron: expected five fields (minute hour day-of-month month day-of-week) or a macro such as @daily, got \"* * * *\".")]
    [InlineData("""[{ "path": "x", "cron": "60 * * * *" }]""", ".cron: expected the minute field from 0 to 59 (not \"60\"), got \"60 * * * *\".")]
    [InlineData("""[{ "path": "x", "cron": "0 0 * JANUARY *" }]""", "the month field from 1 to 12 or a name such as FEB (not \"JANUARY\")")]
    [InlineData("""[{ "path": "x", "cron": "*/0 * * * *" }]""", "a step of at least 1 in the minute field (not \"*/0\")")]
    [InlineData("""[{ "path": "x", "cron": "0 0 31 4 *" }]""", "a date that exists (this one never comes)")]
    [InlineData("""[{ "path": "x", "cron": "@daily", "interval": 60 }]""", "cron replaces interval, dailytime, weekday and monthday")]
    [InlineData("""[{ "interval": 5 }]""", "path is required")]
    public void A_bad_schedule_is_rejected_naming_the_entry(string tasks, string message)
    {
        var settings = new MrqSettings();
        settings.Extra["SCHEDULER_TASKS"] = tasks;
        var e = Assert.Throws<MrqConfigurationException>(() => SchedulerConfig.Read(settings));
        Assert.Contains("SCHEDULER_TASKS[", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_workers_checking_the_same_schedule_enqueue_each_entry_once_per_period()
    {
        await using var harness = new WorkerHarness();
        var config = Config("""
            [{ "path": "tests.worker.Sleep", "params": { "ms": 1 }, "interval": 3600 },
             { "path": "tests.worker.Sleep", "params": { "ms": 2 }, "interval": 3600, "queue": "other" }]
            """);
        var first = new Scheduler(harness.Store, harness.Broker, config, "w1", TimeSpan.FromSeconds(1), NullLogger.Instance);
        var second = new Scheduler(harness.Store, harness.Broker, config, "w2", TimeSpan.FromSeconds(1), NullLogger.Instance);

        var now = DateTime.UtcNow;
        Assert.Equal(2, await first.CheckAsync(now, default));
        Assert.Equal(0, await second.CheckAsync(now.AddSeconds(1), default));
        Assert.Equal(0, await first.CheckAsync(now.AddSeconds(2), default));
        Assert.Equal(1, await harness.Store.CountAsync("default", JobStatus.Queued));
        Assert.Equal(1, await harness.Store.CountAsync("other", JobStatus.Queued));

        // The next period: once again, whoever checks first.
        Assert.Equal(2, await second.CheckAsync(now.AddHours(1).AddSeconds(1), default));
        Assert.Equal(0, await first.CheckAsync(now.AddHours(1).AddSeconds(2), default));
    }

    [Fact]
    public async Task A_changed_entry_is_a_new_one_and_runs_at_once_while_unchanged_ones_keep_their_state()
    {
        await using var harness = new WorkerHarness();
        var now = DateTime.UtcNow;
        var before = Config("""[{ "path": "a", "interval": 3600 }, { "path": "b", "interval": 3600 }, { "path": "c", "interval": 3600 }]""");
        Assert.Equal(3, await new Scheduler(harness.Store, harness.Broker, before, "w1", TimeSpan.FromSeconds(1), NullLogger.Instance).CheckAsync(now, default));

        // A restarted worker with a changed config: a kept, b changed, c removed, d added.
        var after = Config("""[{ "path": "a", "interval": 3600 }, { "path": "b", "interval": 60 }, { "path": "d", "interval": 3600 }]""");
        Assert.Equal(2, await new Scheduler(harness.Store, harness.Broker, after, "w2", TimeSpan.FromSeconds(1), NullLogger.Instance).CheckAsync(now.AddSeconds(1), default));
        Assert.Equal(["a", "b", "d"], (await harness.Store.GetScheduledJobsAsync()).Select(e => e.Path).Order());
    }

    private static ScheduledJob Entry(string json) => Config("[" + json + "]").Single();

    private static IReadOnlyList<ScheduledJob> Config(string tasks)
    {
        var settings = new MrqSettings();
        settings.Extra["SCHEDULER_TASKS"] = tasks;
        return SchedulerConfig.Read(settings);
    }
}
