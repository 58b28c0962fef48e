using Mrq.Storage;

namespace Mrq.Testing;

/// <summary>
/// Rate-limit counters (<see cref="IRateLimits"/>): one per key and fixed window, shared by every worker. Windows are
/// chosen with explicit <c>now</c> values, never by waiting.
/// </summary>
public abstract partial class QueueBrokerConformanceTests
{
    [Fact]
    public async Task A_rate_limit_counts_calls_per_key_and_window_across_brokers()
    {
        var other = await NewBrokerAsync(independent: true);
        var minute = TimeSpan.FromMinutes(1);

        Assert.Equal(1, await Broker.CountCallAsync("api.example", minute, Now));
        Assert.Equal(2, await other.CountCallAsync("api.example", minute, Now.AddSeconds(30)));
        Assert.Equal(3, await Broker.CountCallAsync("api.example", minute, Now.AddSeconds(59.9)));
        Assert.Equal(1, await Broker.CountCallAsync("api.other", minute, Now));

        // The next window (aligned on the epoch: Now is on a whole minute) starts from one; so does another window length.
        Assert.Equal(1, await other.CountCallAsync("api.example", minute, Now.AddSeconds(60)));
        Assert.Equal(2, await Broker.CountCallAsync("api.example", minute, Now.AddSeconds(61)));
        Assert.Equal(1, await Broker.CountCallAsync("api.example", TimeSpan.FromSeconds(7), Now.AddSeconds(61)));
    }
}
