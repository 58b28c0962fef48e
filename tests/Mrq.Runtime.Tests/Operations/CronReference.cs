namespace Mrq.Tests.Operations;

/// <summary>What the cron tests check <c>CronSchedule</c> against.</summary>
internal static class CronReference
{
    // A plain reading of a cron expression (numbers, "*", "a-b", "/n", lists; Sunday 0, days TUE/THU/WED), independent of CronSchedule.
    public static bool Matches(string[] fields, DateTime t)
    {
        string Days(string f) => f.Replace("TUE", "2", StringComparison.Ordinal).Replace("WED", "3", StringComparison.Ordinal).Replace("THU", "4", StringComparison.Ordinal);
        static bool Field(string field, int value, int min, int max) => field.Split(',').Any(part =>
        {
            var (range, step) = part.Split('/') is [var r, var s] ? (r, int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)) : (part, 1);
            var (from, to) = range == "*" ? (min, max) : range.Split('-') is [var a, var b] ? (int.Parse(a, System.Globalization.CultureInfo.InvariantCulture), int.Parse(b, System.Globalization.CultureInfo.InvariantCulture)) : (int.Parse(range, System.Globalization.CultureInfo.InvariantCulture), int.Parse(range, System.Globalization.CultureInfo.InvariantCulture));
            return value >= from && value <= to && (value - from) % step == 0;
        });
        var monthDay = Field(fields[2], t.Day, 1, 31);
        var weekDay = Field(Days(fields[4]), (int)t.DayOfWeek, 0, 7);
        var day = fields[2] == "*" || fields[4] == "*" ? monthDay && weekDay : monthDay || weekDay;
        return Field(fields[0], t.Minute, 0, 59) && Field(fields[1], t.Hour, 0, 23) && Field(fields[3], t.Month, 1, 12) && day;
    }
}
