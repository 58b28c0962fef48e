namespace Mrq.Storage;

/// <summary>
/// The fixed windows of <see cref="IRateLimits"/>: numbered from the Unix epoch in steps of their length (MRQ's
/// bucket, <c>floor(now / per)</c>), each counter named by its key and window number, and kept for 10 seconds past
/// the window's end (MRQ's <c>EXPIRE per + 10</c>) so that workers whose clocks differ a little still share it.
/// </summary>
public static class RateWindow
{
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(10);

    /// <summary>The number of the window of length <paramref name="per"/> that holds <paramref name="now"/>.</summary>
    public static long Number(DateTime now, TimeSpan per)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(per, TimeSpan.Zero);
        var ticks = ToUniversal(now).Ticks - DateTime.UnixEpoch.Ticks;
        return ticks >= 0 ? ticks / per.Ticks : ((ticks + 1) / per.Ticks) - 1;
    }

    /// <summary>The counter's name for <paramref name="key"/> in window <paramref name="number"/>: <c>key:number</c>.</summary>
    public static string CounterName(string key, long number) => string.Concat(key, ":", number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>When window <paramref name="number"/> of length <paramref name="per"/> ends, and the next begins (UTC).</summary>
    public static DateTime End(long number, TimeSpan per) => new(DateTime.UnixEpoch.Ticks + ((number + 1) * per.Ticks), DateTimeKind.Utc);

    /// <summary>When the counter of window <paramref name="number"/> may be dropped: 10 seconds after the window ends (UTC).</summary>
    public static DateTime ExpiresAt(long number, TimeSpan per) => End(number, per) + s_grace;

    private static DateTime ToUniversal(DateTime time) => time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time;
}
