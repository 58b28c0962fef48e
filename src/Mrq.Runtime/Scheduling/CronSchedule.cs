using System.Globalization;

namespace Mrq.Scheduling;

/// <summary>
/// A five-field cron expression (minute, hour, day of month, month, day of week), evaluated in UTC like MRQ's
/// <c>dailytime</c>: <c>*</c>, numbers, ranges <c>a-b</c>, steps <c>*/n</c> and <c>a-b/n</c>, lists <c>a,b</c>, month
/// and day names (<c>JAN</c>, <c>MON</c>), Sunday as 0 or 7, and the macros <c>@hourly</c>, <c>@daily</c>
/// (<c>@midnight</c>), <c>@weekly</c>, <c>@monthly</c>, <c>@yearly</c> (<c>@annually</c>). When both the day of month
/// and the day of week are restricted, a day matching either fires, as in Vixie cron (and Hangfire's Cronos).
/// </summary>
/// <remarks>
/// A leading <c>CRON_TZ=&lt;zone&gt;</c> (cronie's spelling; <c>TZ=</c> too) evaluates the fields on that zone's clock
/// (an IANA name such as <c>Europe/Paris</c>, from the system's time zone data). Around daylight-saving changes, a
/// schedule at fixed hours runs a time the clock skips at the moment of the jump, and a time the clock passes twice
/// once, the first time: a daily 02:30 job runs every day exactly once. A schedule that runs every hour (<c>*</c> or a
/// step in the hour field) keeps to real time instead: nothing in the skipped hour, both passes of the repeated one.
/// Vixie cron and Hangfire's Cronos draw the same line. The zone is part of the expression, so it is stored, hashed
/// and shown with it and needs no field of its own.
/// </remarks>
internal sealed class CronSchedule
{
    private static readonly string[] s_months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] s_days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    // How far ahead a next run is looked for: enough for February 29th (every four years) and any other real date.
    private static readonly TimeSpan s_horizon = TimeSpan.FromDays(366 * 5);

    private readonly ulong _minutes;
    private readonly uint _hours;
    private readonly uint _monthDays;
    private readonly ushort _months;
    private readonly byte _weekDays;
    private readonly bool _anyMonthDay;
    private readonly bool _anyWeekDay;
    private readonly TimeZoneInfo? _zone;
    private readonly bool _everyHour;

    private CronSchedule(ulong minutes, uint hours, uint monthDays, ushort months, byte weekDays, bool anyMonthDay, bool anyWeekDay, TimeZoneInfo? zone, bool everyHour)
    {
        _zone = zone;
        _everyHour = everyHour;
        _minutes = minutes;
        _hours = hours;
        _monthDays = monthDays;
        _months = months;
        _weekDays = weekDays;
        _anyMonthDay = anyMonthDay;
        _anyWeekDay = anyWeekDay;
    }

    /// <summary>Parses <paramref name="expression"/>; false with a reason (for the config's error message) when it is not one.</summary>
    public static bool TryParse(string expression, out CronSchedule? schedule, out string error)
    {
        schedule = null;
        if (!TryZone(expression.Trim(), out var zone, out var rest, out error))
        {
            return false;
        }

        var text = rest.ToLowerInvariant() switch
        {
            "@yearly" or "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" or "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            _ => rest,
        };

        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            error = "five fields (minute hour day-of-month month day-of-week) or a macro such as @daily";
            return false;
        }

        if (!TryField(fields[0], "minute", 0, 59, null, out var minutes, out error)
            || !TryField(fields[1], "hour", 0, 23, null, out var hours, out error)
            || !TryField(fields[2], "day of month", 1, 31, null, out var monthDays, out error)
            || !TryField(fields[3], "month", 1, 12, s_months, out var months, out error)
            || !TryField(fields[4], "day of week", 0, 7, s_days, out var weekDays, out error))
        {
            return false;
        }

        // Sunday is 0 or 7.
        weekDays = (weekDays | (weekDays >> 7)) & 0x7F;
        // A day field given as "*" (or "*/n") leaves the day to the other field, as in Vixie cron.
        schedule = new CronSchedule(minutes, (uint)hours, (uint)monthDays, (ushort)months, (byte)weekDays, fields[2].StartsWith('*'), fields[4].StartsWith('*'), zone,
            fields[1].StartsWith('*') || fields[1].Contains('/', StringComparison.Ordinal));
        if (schedule.NextAfter(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)) is null)
        {
            schedule = null;
            error = "a date that exists (this one never comes)";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>The first time after <paramref name="after"/> (UTC, to the minute) at which the schedule fires; null if none within five years.</summary>
    public DateTime? NextAfter(DateTime after)
    {
        after = DateTime.SpecifyKind(after, DateTimeKind.Utc);
        if (_zone is not { } zone)
        {
            return NextOnClock(after);
        }

        var clock = TimeZoneInfo.ConvertTimeFromUtc(after, zone);
        var next = NextInZone(zone, clock, after);
        if (_everyHour && zone.IsAmbiguousTime(clock) && SecondPassAfterFirst(zone, clock, after) is { } second && (next is null || second < next))
        {
            return second;
        }

        return next;
    }

    /// <summary>
    /// The first instant after <paramref name="after"/> whose time on the zone's clock, walking on from
    /// <paramref name="clock"/>, is on the schedule.
    /// </summary>
    private DateTime? NextInZone(TimeZoneInfo zone, DateTime clock, DateTime after)
    {
        while (NextOnClock(clock) is { } time)
        {
            clock = time;
            DateTime? instant;
            if (zone.IsAmbiguousTime(time))
            {
                // Passed twice: a fixed-hour schedule runs the first time only; one that runs every hour, both times.
                var offsets = zone.GetAmbiguousTimeOffsets(time);
                var first = DateTime.SpecifyKind(time - offsets.Max(), DateTimeKind.Utc);
                var second = DateTime.SpecifyKind(time - offsets.Min(), DateTimeKind.Utc);
                instant = first > after ? first : _everyHour && second > after ? second : null;
            }
            else if (zone.IsInvalidTime(time))
            {
                // Skipped by the clock: a fixed-hour schedule runs at the jump; one that runs every hour just goes on.
                instant = _everyHour ? null : JumpAfter(zone, time);
            }
            else
            {
                instant = TimeZoneInfo.ConvertTimeToUtc(time, zone);
            }

            if (instant > after)
            {
                return instant;
            }
        }

        return null;
    }

    /// <summary>
    /// For a schedule that runs every hour, when <paramref name="after"/> is in the first pass of a repeated hour: its
    /// first time in the second pass, which a walk of the clock from <paramref name="clock"/> has already gone by.
    /// </summary>
    private DateTime? SecondPassAfterFirst(TimeZoneInfo zone, DateTime clock, DateTime after)
    {
        var offsets = zone.GetAmbiguousTimeOffsets(clock);
        var (earlier, later) = (offsets.Max(), offsets.Min());
        if (zone.GetUtcOffset(after) != earlier)
        {
            return null;
        }

        var start = clock;
        while (zone.IsAmbiguousTime(start.AddMinutes(-1)))
        {
            start = start.AddMinutes(-1);
        }

        var time = NextOnClock(start.AddMinutes(-1));
        return time is { } t && t < start + (earlier - later) ? DateTime.SpecifyKind(t - later, DateTimeKind.Utc) : null;
    }

    /// <summary>The moment the clock jumps over <paramref name="skipped"/>: the instant of the first valid minute after it.</summary>
    private static DateTime JumpAfter(TimeZoneInfo zone, DateTime skipped)
    {
        while (zone.IsInvalidTime(skipped))
        {
            skipped = skipped.AddMinutes(1);
        }

        return TimeZoneInfo.ConvertTimeToUtc(skipped, zone);
    }

    /// <summary>Whether <paramref name="expression"/> starts with a zone (<c>CRON_TZ=…</c> or <c>TZ=…</c>).</summary>
    public static bool NamesZone(string expression) => ZonePrefixLength(expression.TrimStart()) > 0;

    private static int ZonePrefixLength(string text) =>
        text.StartsWith("CRON_TZ=", StringComparison.OrdinalIgnoreCase) ? "CRON_TZ=".Length
        : text.StartsWith("TZ=", StringComparison.OrdinalIgnoreCase) ? "TZ=".Length
        : 0;

    /// <summary>Splits a leading <c>CRON_TZ=zone</c> or <c>TZ=zone</c> off <paramref name="text"/> and finds the zone.</summary>
    private static bool TryZone(string text, out TimeZoneInfo? zone, out string rest, out string error)
    {
        zone = null;
        rest = text;
        error = "";
        var prefix = ZonePrefixLength(text);
        if (prefix == 0)
        {
            return true;
        }

        var end = text.IndexOfAny([' ', '\t'], prefix);
        var id = end < 0 ? text[prefix..] : text[prefix..end];
        rest = end < 0 ? "" : text[end..].Trim();
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            error = $"a time zone this system knows after CRON_TZ=, such as Europe/Paris (not \"{id}\")";
            return false;
        }
    }

    /// <summary>The first time on the schedule's clock after <paramref name="after"/> (of the same kind), to the minute.</summary>
    private DateTime? NextOnClock(DateTime after)
    {
        var limit = after + s_horizon;
        var t = new DateTime(after.Year, after.Month, after.Day, after.Hour, after.Minute, 0, after.Kind).AddMinutes(1);
        while (t <= limit)
        {
            if ((_months & (1 << t.Month)) == 0)
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, t.Kind).AddMonths(1);
                continue;
            }

            if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
                continue;
            }

            if ((_hours & (1u << t.Hour)) == 0)
            {
                t = t.Date.AddHours(t.Hour + 1);
                continue;
            }

            if ((_minutes & (1ul << t.Minute)) == 0)
            {
                t = t.AddMinutes(1);
                continue;
            }

            return t;
        }

        return null;
    }

    private bool DayMatches(DateTime t)
    {
        var monthDay = (_monthDays & (1u << t.Day)) != 0;
        var weekDay = (_weekDays & (1 << (int)t.DayOfWeek)) != 0;
        return _anyMonthDay || _anyWeekDay ? monthDay && weekDay : monthDay || weekDay;
    }

    // One field: comma-separated parts, each "*", "n", "a-b", optionally "/step"; names where given. A bit per value.
    private static bool TryField(string field, string name, int min, int max, string[]? names, out ulong bits, out string error)
    {
        bits = 0;
        foreach (var part in field.Split(','))
        {
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            var range = slash < 0 ? part : part[..slash];
            var step = 1;
            if (slash >= 0 && (!int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1))
            {
                error = $"a step of at least 1 in the {name} field (not \"{part}\")";
                return false;
            }

            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else
            {
                var dash = range.IndexOf('-', StringComparison.Ordinal);
                if (!TryValue(dash < 0 ? range : range[..dash], min, max, names, out from)
                    || !TryValue(dash < 0 ? range : range[(dash + 1)..], min, max, names, out to)
                    || to < from)
                {
                    error = $"the {name} field from {min} to {max}{(names is null ? "" : " or a name such as " + names[1])} (not \"{part}\")";
                    return false;
                }

                if (slash >= 0 && dash < 0)
                {
                    // "5/15": from 5 to the end, every 15.
                    to = max;
                }
            }

            for (var value = from; value <= to; value += step)
            {
                bits |= 1ul << value;
            }
        }

        error = "";
        return true;
    }

    private static bool TryValue(string text, int min, int max, string[]? names, out int value)
    {
        if (names is not null)
        {
            var index = Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                // Months are numbered from 1, days of the week from 0 (Sunday).
                value = index + min;
                return true;
            }
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}
