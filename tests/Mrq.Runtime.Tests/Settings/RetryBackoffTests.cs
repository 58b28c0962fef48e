using Mrq.Configuration;

namespace Mrq.Tests.Settings;

/// <summary>The delay of each retry, with and without <c>RetryBackoff</c> (a task option, read from the task's policy).</summary>
public sealed class RetryBackoffTests
{
    private static TaskPolicy Policy(int retryDelay, bool backoff) =>
        TaskPolicies.Create(new MrqSettings { DefaultJobRetryDelay = retryDelay, DefaultJobRetryBackoff = backoff }).For("tests.not.in.the.catalog");

    [Fact]
    public void Without_backoff_every_retry_waits_the_retry_delay_as_in_MRQ()
    {
        var policy = Policy(3, backoff: false);

        Assert.All(Enumerable.Range(0, 10), k => Assert.Equal(TimeSpan.FromSeconds(3), policy.RetryDelayAfter(k, jitter: 0.99)));
    }

    [Fact]
    public void With_backoff_each_retry_waits_twice_the_one_before_stretched_by_at_most_a_tenth()
    {
        var policy = Policy(3, backoff: true);

        Assert.Equal([3, 6, 12, 24, 48], Enumerable.Range(0, 5).Select(k => policy.RetryDelayAfter(k, jitter: 0).TotalSeconds));
        Assert.Equal(3 * 8 * 1.05, policy.RetryDelayAfter(3, jitter: 0.5).TotalSeconds, precision: 6);
        Assert.True(policy.RetryDelayAfter(3, jitter: 0.999999).TotalSeconds < 24 * 1.1);
    }

    [Fact]
    public void Doubling_stops_at_one_day_or_at_a_retry_delay_longer_than_that()
    {
        var day = TimeSpan.FromDays(1).TotalSeconds;

        Assert.Equal(day, Policy(3, backoff: true).RetryDelayAfter(20, jitter: 0).TotalSeconds);
        Assert.Equal(day, Policy(3, backoff: true).RetryDelayAfter(int.MaxValue, jitter: 0).TotalSeconds);
        Assert.Equal(200_000, Policy(200_000, backoff: true).RetryDelayAfter(5, jitter: 0).TotalSeconds);
        Assert.Equal(TimeSpan.Zero, Policy(0, backoff: true).RetryDelayAfter(5, jitter: 0.5));
    }
}
