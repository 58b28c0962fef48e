using System.Diagnostics;
using Mrq.Processing;

namespace Mrq.Tests.Worker;

/// <summary>How many jobs the loop claims beyond its free greenlets, from the rate at which greenlets free.</summary>
public sealed class ClaimAheadTests
{
    private static readonly long s_millisecond = Stopwatch.Frequency / 1000;

    [Fact]
    public void Claims_nothing_ahead_before_a_rate_is_measured()
    {
        var ahead = new ClaimAhead(greenlets: 500);

        Assert.Equal(0, ahead.Update(now: 1_000 * s_millisecond, doneJobs: 0));
        Assert.Equal(0, ahead.Update(now: 1_005 * s_millisecond, doneJobs: 400));
    }

    [Fact]
    public void Claims_what_the_greenlets_free_within_the_horizon()
    {
        var ahead = new ClaimAhead(greenlets: 500);
        ahead.Update(0, 0);

        // 200 jobs in 20 ms: 10 a millisecond, so 100 within the 10 ms horizon.
        Assert.Equal(100, ahead.Update(20 * s_millisecond, 200));

        // The allowance holds until a whole window has passed.
        Assert.Equal(100, ahead.Update(25 * s_millisecond, 200));
        Assert.Equal(0, ahead.Update(40 * s_millisecond, 200));
    }

    [Fact]
    public void Claims_at_most_half_of_the_greenlets_ahead()
    {
        var ahead = new ClaimAhead(greenlets: 50);
        ahead.Update(0, 0);

        Assert.Equal(25, ahead.Update(10 * s_millisecond, 100_000));
        Assert.Equal(0, new ClaimAhead(greenlets: 1).Update(0, 0));
    }

    [Fact]
    public void Long_jobs_are_not_claimed_ahead()
    {
        var ahead = new ClaimAhead(greenlets: 500);
        ahead.Update(0, 0);

        // 500 greenlets, jobs of a minute: about 8 jobs a second, none expected within 10 ms.
        Assert.Equal(0, ahead.Update(1_000 * s_millisecond, 8));
    }
}
