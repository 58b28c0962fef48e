namespace Mrq.Storage;

/// <summary>
/// Fixed-window call counters shared by every worker, for MRQ's <c>ratelimit</c> helper
/// (<c>JobContext.RateLimitAsync</c>). Windows are aligned on the Unix epoch, as MRQ's <c>floor(now / per)</c>.
/// </summary>
public interface IRateLimits
{
    /// <summary>
    /// Counts one call for <paramref name="key"/> in the window of length <paramref name="per"/> that holds
    /// <paramref name="now"/> (<see cref="RateWindow"/>) and returns how many calls that window has counted, this one
    /// included. A window's counter goes away by itself after <see cref="RateWindow.ExpiresAt"/>.
    /// </summary>
    ValueTask<long> CountCallAsync(string key, TimeSpan per, DateTime now, CancellationToken cancellationToken = default);
}
