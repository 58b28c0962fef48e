namespace Mrq.Configuration;

/// <summary>
/// A queue's <c>rate_limit</c> (<c>QUEUES_CONFIG</c>): at most <see cref="Limit"/> jobs of the queue named
/// <see cref="Queue"/> (and of its subqueues) start per fixed window of <see cref="Per"/>, across every worker sharing
/// the broker.
/// </summary>
internal sealed record QueueRateLimit(string Queue, int Limit, TimeSpan Per)
{
    /// <summary>The counter's key among the broker's rate limits (apart from the keys tasks pass to <c>RateLimitAsync</c>).</summary>
    public string CounterKey => "queue:" + Queue;
}
