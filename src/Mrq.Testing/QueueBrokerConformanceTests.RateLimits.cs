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

        Assert.Equal(1, await Broker.CountCallsAsync("api.example", 1, minute, Now));
        Assert.Equal(2, await other.CountCallsAsync("api.example", 1, minute, Now.AddSeconds(30)));
        Assert.Equal(3, await Broker.CountCallsAsync("api.example", 1, minute, Now.AddSeconds(59.9)));
        Assert.Equal(1, await Broker.CountCallsAsync("api.other", 1, minute, Now));

        // The next window (aligned on the epoch: Now is on a whole minute) starts from one; so does another window length.
        Assert.Equal(1, await other.CountCallsAsync("api.example", 1, minute, Now.AddSeconds(60)));
        Assert.Equal(2, await Broker.CountCallsAsync("api.example", 1, minute, Now.AddSeconds(61)));
        Assert.Equal(1, await Broker.CountCallsAsync("api.example", 1, TimeSpan.FromSeconds(7), Now.AddSeconds(61)));
    }

    [Fact]
    public async Task A_rate_limit_counts_many_calls_at_once_and_takes_back_those_given_back()
    {
        var minute = TimeSpan.FromMinutes(1);

        Assert.Equal(50, await Broker.CountCallsAsync("queue:emails", 50, minute, Now));
        Assert.Equal(62, await Broker.CountCallsAsync("queue:emails", 12, minute, Now.AddSeconds(1)));
        Assert.Equal(20, await Broker.CountCallsAsync("queue:emails", -42, minute, Now.AddSeconds(2)));
        Assert.Equal(21, await Broker.CountCallsAsync("queue:emails", 1, minute, Now.AddSeconds(3)));
    }

    [Fact]
    public async Task A_rate_limit_s_count_is_read_without_changing_it()
    {
        var other = await NewBrokerAsync(independent: true);
        var minute = TimeSpan.FromMinutes(1);
        await Broker.CountCallsAsync("queue:emails", 4, minute, Now);

        Assert.Equal(4, await other.GetCountAsync("queue:emails", minute, Now.AddSeconds(30)));
        Assert.Equal(4, await other.GetCountAsync("queue:emails", minute, Now.AddSeconds(30)));
        Assert.Equal(0, await other.GetCountAsync("queue:emails", minute, Now.AddSeconds(60)));
        Assert.Equal(0, await other.GetCountAsync("queue:other", minute, Now));
    }
}
