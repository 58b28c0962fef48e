namespace Mrq.Storage.Sqlite;

/// <summary>
/// Dates in the embedded store: INTEGER unix milliseconds, UTC. <see cref="DateTimeKind.Local"/> values are converted
/// to UTC, <see cref="DateTimeKind.Unspecified"/> ones are taken as UTC, sub-millisecond ticks are dropped (rounded
/// down), and reads return <see cref="DateTimeKind.Utc"/>.
/// </summary>
internal static class SqliteDates
{
    private const long EpochTicks = 621_355_968_000_000_000; // DateTime.UnixEpoch.Ticks

    /// <summary>Unix milliseconds of <paramref name="value"/>, rounded down.</summary>
    public static long ToUnixMilliseconds(DateTime value)
    {
        if (value.Kind == DateTimeKind.Local)
        {
            value = value.ToUniversalTime();
        }

        var ticks = value.Ticks - EpochTicks;
        return ticks >= 0 ? ticks / TimeSpan.TicksPerMillisecond : ((ticks + 1) / TimeSpan.TicksPerMillisecond) - 1;
    }

    /// <summary>The UTC date of unix milliseconds.</summary>
    public static DateTime FromUnixMilliseconds(long milliseconds) =>
        new(EpochTicks + (milliseconds * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
}
