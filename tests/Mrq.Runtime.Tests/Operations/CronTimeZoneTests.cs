using System.Globalization;
using Mrq.Configuration;
using Mrq.Scheduling;

namespace Mrq.Tests.Operations;

/// <summary>
/// Cron expressions on a zone's clock (<c>CRON_TZ=</c>), around daylight-saving changes of past years (whose rules no
/// time zone data update changes), on the system's time zone data.
/// </summary>
public sealed class CronTimeZoneTests
{
    [Theory]
    [InlineData("CRON_TZ=Europe/Paris 0 9 * * *", "2024-01-15T00:00", "2024-01-15T08:00")]             // winter, UTC+1
    [InlineData("CRON_TZ=Europe/Paris 0 9 * * *", "2024-07-15T00:00", "2024-07-15T07:00")]             // summer, UTC+2
    [InlineData("TZ=America/New_York 0 9 * * MON-FRI", "2024-01-12T15:00", "2024-01-15T14:00")]        // Friday → Monday
    [InlineData("CRON_TZ=Asia/Kolkata @daily", "2024-01-15T00:00", "2024-01-15T18:30")]                // UTC+5:30
    [InlineData("cron_tz=UTC  30 6 * * *", "2024-01-15T07:00", "2024-01-16T06:30")]
    [InlineData("CRON_TZ=Pacific/Auckland 0 0 1 * *", "2024-01-15T00:00", "2024-01-31T11:00")]         // Feb 1st there
    public void The_fields_are_read_on_the_zone_s_clock(string cron, string after, string next) =>
        Assert.Equal(next, Show(Parse(cron).NextAfter(Utc(after))));

    [Fact]
    public void A_fixed_hour_runs_once_a_day_through_both_changes_skipped_times_at_the_jump()
    {
        var daily = Parse("CRON_TZ=Europe/Paris 30 2 * * *");

        // 2024-03-31: 02:00 CET becomes 03:00 CEST (01:00 UTC), so 02:30 never shows; it runs at the jump.
        Assert.Equal(["2024-03-30T01:30", "2024-03-31T01:00", "2024-04-01T00:30"], Chain(daily, "2024-03-29T12:00", 3));

        // 2024-10-27: 03:00 CEST becomes 02:00 CET, so 02:30 shows twice (00:30 and 01:30 UTC); it runs the first time.
        Assert.Equal(["2024-10-26T00:30", "2024-10-27T00:30", "2024-10-28T01:30"], Chain(daily, "2024-10-25T12:00", 3));
    }

    [Theory]
    [InlineData("*/30 * * * *", "Europe/Paris", "2024-03-30T12:00")]
    [InlineData("*/30 * * * *", "Europe/Paris", "2024-10-26T12:00")]
    [InlineData("0 * * * *", "America/New_York", "2024-03-09T12:00")]
    [InlineData("0 * * * *", "America/New_York", "2024-11-02T12:00")]
    [InlineData("15 */2 * * *", "America/New_York", "2024-11-02T12:00")]
    [InlineData("*/10 * * * *", "Australia/Lord_Howe", "2024-04-06T00:00")]                           // a 30-minute change
    [InlineData("*/10 * * * *", "Australia/Lord_Howe", "2024-10-05T00:00")]
    [InlineData("*/7 * 3 11 *", "America/New_York", "2024-11-02T12:00")]
    public void A_schedule_that_runs_every_hour_keeps_to_real_time_through_a_change(string cron, string zoneId, string from)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var schedule = Parse("CRON_TZ=" + zoneId + " " + cron);
        var fields = cron.Split(' ');
        var start = Utc(from);
        var end = start.AddDays(2);

        // Every UTC minute whose time on the zone's clock matches: none in a skipped hour, both passes of a repeated one.
        var expected = new List<DateTime>();
        for (var t = start.AddMinutes(1); t <= end; t = t.AddMinutes(1))
        {
            if (CronReference.Matches(fields, TimeZoneInfo.ConvertTimeFromUtc(t, zone)))
            {
                expected.Add(t);
            }
        }

        var actual = new List<DateTime>();
        for (var t = schedule.NextAfter(start); t is { } next && next <= end; t = schedule.NextAfter(next))
        {
            actual.Add(next);
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void An_unknown_zone_is_refused_naming_it_and_the_config_names_the_entry()
    {
        Assert.False(CronSchedule.TryParse("CRON_TZ=Mars/Olympus_Mons 0 9 * * *", out _, out var error));
        Assert.Equal("a time zone this system knows after CRON_TZ=, such as Europe/Paris (not \"Mars/Olympus_Mons\")", error);
        Assert.False(CronSchedule.TryParse("CRON_TZ=Europe/Paris", out _, out error));
        Assert.StartsWith("five fields", error, StringComparison.Ordinal);

        var settings = new MrqSettings();
        settings.Extra["SCHEDULER_TASKS"] = """[{ "path": "x", "cron": "TZ=Nowhere 0 9 * * *" }]""";
        var e = Assert.Throws<MrqConfigurationException>(() => SchedulerConfig.Read(settings));
        Assert.Equal("SCHEDULER_TASKS[0].cron: expected a time zone this system knows after CRON_TZ=, such as Europe/Paris (not \"Nowhere\"), got \"TZ=Nowhere 0 9 * * *\".", e.Message);
    }

    [Fact]
    public void The_zone_is_part_of_the_entry_s_expression_and_hash()
    {
        var settings = new MrqSettings();
        settings.Extra["SCHEDULER_TASKS"] = """[{ "path": "x", "cron": "CRON_TZ=Europe/Paris 0 9 * * *" }, { "path": "x", "cron": "0 9 * * *" }]""";

        var entries = SchedulerConfig.Read(settings);

        Assert.Equal(["CRON_TZ=Europe/Paris 0 9 * * *", "0 9 * * *"], entries.Select(e => e.Cron));
        Assert.NotEqual(entries[0].Hash, entries[1].Hash);
    }

    private static CronSchedule Parse(string cron)
    {
        Assert.True(CronSchedule.TryParse(cron, out var schedule, out var error), error);
        return schedule!;
    }

    private static List<string> Chain(CronSchedule schedule, string from, int count)
    {
        var times = new List<string>();
        var t = Utc(from);
        for (var i = 0; i < count; i++)
        {
            t = schedule.NextAfter(t)!.Value;
            times.Add(Show(t)!);
        }

        return times;
    }

    private static DateTime Utc(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static string? Show(DateTime? time) => time?.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
}
