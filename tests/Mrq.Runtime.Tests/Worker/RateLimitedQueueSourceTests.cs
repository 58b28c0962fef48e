using Microsoft.Extensions.Logging.Abstractions;
using Mrq.Configuration;
using Mrq.Processing;
using Mrq.Storage;

namespace Mrq.Tests.Worker;

/// <summary>
/// The reservation arithmetic of a rate-limited queue, on an in-memory counter and a queue that holds a given number of
/// jobs: what it claims, what it gives back, and when it stops asking.
/// </summary>
public sealed class RateLimitedQueueSourceTests
{
    private static readonly QueueRateLimit Limit = new("emails", 10, TimeSpan.FromDays(365));

    [Fact]
    public async Task A_claim_takes_what_the_window_has_left_and_the_next_waits_for_the_next_window()
    {
        var counter = new Counter();
        var source = new RateLimitedQueueSource(new Queue(100), new Lazy<IRateLimits>(counter), Limit, NullLogger.Instance);

        Assert.Equal(6, await DequeueAsync(source, 6));
        Assert.Equal(4, await DequeueAsync(source, 6));
        Assert.NotNull(source.LimitedUntil);
        Assert.Equal(0, await DequeueAsync(source, 6));

        // The part of a reservation past the limit stays counted (it changes nothing); the third claim asked nothing.
        Assert.Equal((12, 2), (counter.Count, counter.Calls));
    }

    [Fact]
    public async Task What_a_claim_does_not_find_is_given_back_for_other_workers()
    {
        var counter = new Counter();
        var queue = new Queue(3);
        var source = new RateLimitedQueueSource(queue, new Lazy<IRateLimits>(counter), Limit, NullLogger.Instance);

        Assert.Equal(3, await DequeueAsync(source, 8));
        Assert.Equal(3, counter.Count);
        Assert.Null(source.LimitedUntil);

        queue.Add(20);
        Assert.Equal(7, await DequeueAsync(source, 50));
        Assert.Equal(13, counter.Count);
    }

    [Fact]
    public async Task A_claim_that_fails_gives_its_reservation_back_and_a_give_back_that_fails_costs_only_this_window()
    {
        var counter = new Counter();
        var source = new RateLimitedQueueSource(new Queue(0) { Fails = true }, new Lazy<IRateLimits>(counter), Limit, NullLogger.Instance);

        await Assert.ThrowsAsync<MrqStoreUnavailableException>(async () => await DequeueAsync(source, 5));
        Assert.Equal(0, counter.Count);

        counter.FailGiveBacks = true;
        var emptied = new RateLimitedQueueSource(new Queue(1), new Lazy<IRateLimits>(counter), Limit, NullLogger.Instance);
        Assert.Equal(1, await DequeueAsync(emptied, 5));
        Assert.Equal(5, counter.Count);
    }

    private static ValueTask<int> DequeueAsync(QueueSource source, int max) =>
        source.DequeueAsync(max, null, "w1", [], new OutcomeBatch(static _ => { }), CancellationToken.None);

    private sealed class Counter : IRateLimits
    {
        public long Count { get; private set; }

        public int Calls { get; private set; }

        public bool FailGiveBacks { get; set; }

        public ValueTask<long> CountCallsAsync(string key, long calls, TimeSpan per, DateTime now, CancellationToken cancellationToken = default)
        {
            Assert.Equal("queue:emails", key);
            if (calls < 0 && FailGiveBacks)
            {
                throw new MrqStoreUnavailableException("Redis", "Redis is away.");
            }

            Calls += calls > 0 ? 1 : 0;
            Count += calls;
            return ValueTask.FromResult(Count);
        }

        public ValueTask<long> GetCountAsync(string key, TimeSpan per, DateTime now, CancellationToken cancellationToken = default) => ValueTask.FromResult(Count);
    }

    private sealed class Queue(int jobs) : QueueSource
    {
        private int _jobs = jobs;

        public bool Fails { get; init; }

        public override string Name => "emails";

        public void Add(int jobs) => _jobs += jobs;

        public override ValueTask<int> DequeueAsync(int max, IClaimRecount? recount, string workerId, List<ClaimedJob> into, OutcomeBatch outcomes, CancellationToken cancellationToken)
        {
            Assert.Null(recount);
            if (Fails)
            {
                throw new MrqStoreUnavailableException("the store", "the store is away");
            }

            var taken = Math.Min(max, _jobs);
            _jobs -= taken;
            return ValueTask.FromResult(taken);
        }
    }
}
