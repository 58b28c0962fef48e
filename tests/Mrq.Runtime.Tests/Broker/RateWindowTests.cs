using Mrq.Storage;

namespace Mrq.Tests.Broker;

/// <summary>The fixed windows of rate limits: MRQ's <c>floor(now / per)</c>, and when a window's counter may go.</summary>
public sealed class RateWindowTests
{
    private static readonly DateTime At = new(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_window_is_MRQ_s_bucket_floor_of_unix_time_over_its_length()
    {
        var unix = new DateTimeOffset(At).ToUnixTimeSeconds();

        Assert.Equal(unix, RateWindow.Number(At, TimeSpan.FromSeconds(1)));
        Assert.Equal(unix / 60, RateWindow.Number(At.AddSeconds(59.999), TimeSpan.FromMinutes(1)));
        Assert.Equal((unix / 60) + 1, RateWindow.Number(At.AddSeconds(60), TimeSpan.FromMinutes(1)));
        Assert.Equal(-1, RateWindow.Number(DateTime.UnixEpoch.AddTicks(-1), TimeSpan.FromSeconds(1)));
        Assert.Equal(RateWindow.Number(At, TimeSpan.FromSeconds(7)), RateWindow.Number(At.ToLocalTime(), TimeSpan.FromSeconds(7)));
    }

    [Fact]
    public void A_window_s_counter_is_kept_ten_seconds_past_its_end_and_named_by_key_and_window()
    {
        var minute = TimeSpan.FromMinutes(1);
        var window = RateWindow.Number(At, minute);

        Assert.Equal(At.AddSeconds(60), RateWindow.End(window, minute));
        Assert.Equal(At.AddSeconds(70), RateWindow.ExpiresAt(window, minute));
        Assert.Equal("api:" + window, RateWindow.CounterName("api", window));
        Assert.Throws<ArgumentOutOfRangeException>(() => RateWindow.Number(At, TimeSpan.Zero));
    }
}
