namespace Mrq.Tests.Generated;

/// <summary><c>JobContext.RateLimitAsync</c>'s answer for each count, as MRQ's <c>ratelimit</c> (limit 3: 3, 2, 1, 0, 0).</summary>
public sealed class RateLimitArithmeticTests
{
    [Fact]
    public async Task The_calls_left_count_down_to_one_then_stay_at_zero()
    {
        var context = new CountingContext();
        var answers = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await context.RateLimitAsync("api", 3, TimeSpan.FromSeconds(1)));
        }

        Assert.Equal([3, 2, 1, 0, 0], answers);
    }

    [Fact]
    public async Task Bad_arguments_are_refused_before_anything_is_counted()
    {
        var context = new CountingContext();

        await Assert.ThrowsAsync<ArgumentException>(async () => await context.RateLimitAsync("", 3, TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await context.RateLimitAsync("api", 0, TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await context.RateLimitAsync("api", 3, TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await context.RateLimitAsync("api", 3, TimeSpan.MaxValue));
        Assert.Equal(0, context.Calls);
    }

    [Fact]
    public async Task A_context_outside_a_worker_says_it_counts_nothing()
    {
        var error = await Assert.ThrowsAsync<NotSupportedException>(async () => await new TestJobContext("tests.Any").RateLimitAsync("api", 3, TimeSpan.FromSeconds(1)));

        Assert.Contains("RateLimitAsync", error.Message, StringComparison.Ordinal);
    }

    private sealed class CountingContext : JobContext
    {
        public int Calls { get; private set; }

        public override JobId Id { get; } = JobId.NewId();

        public override string Path => "tests.Counting";

        public override string Queue => "default";

        public override int RetryCount => 0;

        public override CancellationToken CancellationToken => default;

        public override IServiceProvider Services => throw new NotSupportedException();

        protected override ValueTask<long> CountRateLimitedCallAsync(string key, TimeSpan per, CancellationToken cancellationToken) => ValueTask.FromResult((long)++Calls);
    }
}
