namespace Mrq.Storage;

/// <summary>
/// Fixed-window call counters shared by every worker, for MRQ's <c>ratelimit</c> helper
/// (<c>JobContext.RateLimitAsync</c>). Windows are aligned on the Unix epoch, as MRQ's <c>floor(now / per)</c>.
/// </summary>
public interface IRateLimits
{
    /// <summary>
    /// Adds <paramref name="calls"/> to the counter of <paramref name="key"/> in the window of length
    /// <paramref name="per"/> that holds <paramref name="now"/> (<see cref="RateWindow"/>) and returns the counter after
    /// the addition, in one atomic step. A negative number gives back calls counted earlier in the same window (a queue's
    /// limit reserves a claim's jobs, then returns those it did not find). A window's counter goes away by itself after
    /// <see cref="RateWindow.ExpiresAt"/>.
    /// </summary>
    ValueTask<long> CountCallsAsync(string key, long calls, TimeSpan per, DateTime now, CancellationToken cancellationToken = default);

    /// <summary>The counter of <paramref name="key"/> in the window that holds <paramref name="now"/>, without changing it; 0 when none.</summary>
    ValueTask<long> GetCountAsync(string key, TimeSpan per, DateTime now, CancellationToken cancellationToken = default);
}
