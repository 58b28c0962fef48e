using Microsoft.Extensions.Logging.Abstractions;
using Mrq.Configuration;
using Mrq.Scheduling;
using Mrq.Storage;
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
    [InlineData("""[{ "path": "x", "interval": 5 }, { "path": "x", "interval": 5 }]""", "same entry")]
    [InlineData("""[{ "path": "x", "monthday": 1 }]""", "need a dailytime")]
    [InlineData("""[{ "path": "x", "weekday": 1 }]""", "need a dailytime")]
    [InlineData("""[{ "path": "x" }]""", "interval or a dailytime")]
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
