using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace Mrq;

/// <summary>
/// What a running job knows about itself and can do to itself. Declare a <see cref="JobContext"/> parameter on a task's
/// <c>Run</c> method to receive it; it is not one of the job's params.
/// </summary>
public abstract class JobContext
{
    // Windows are numbered from 1970 and end at a date: one longer than this is a typo, and would overflow DateTime.
    private static readonly TimeSpan s_maxRateWindow = TimeSpan.FromDays(3653);

    /// <summary>The job's id.</summary>
    public abstract JobId Id { get; }

    /// <summary>The task path.</summary>
    public abstract string Path { get; }

    /// <summary>The queue the job was dequeued from.</summary>
    public abstract string Queue { get; }

    /// <summary>How many times the job was retried before this run.</summary>
    public abstract int RetryCount { get; }

    /// <summary>Cancelled when the job times out, is cancelled or the worker is stopped forcibly.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>The services of the job's scope, from which task constructor dependencies are resolved.</summary>
    public abstract IServiceProvider Services { get; }

    /// <summary>A logger whose lines are stored with the job (and printed by the worker unless <c>--quiet</c>).</summary>
    public virtual ILogger Logger => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Records the job's progress, from 0 to 1.</summary>
    public virtual void SetProgress(double progress) => ArgumentOutOfRangeException.ThrowIfGreaterThan(progress, 1);

    /// <summary>
    /// Ends the job with status <c>retry</c>: it runs again after <paramref name="delay"/> (the task's retry delay when
    /// null; zero requeues it at once), on <paramref name="queue"/> (its own when null), unless it already was retried
    /// <paramref name="maxRetries"/> times (the task's limit when null), in which case it ends <c>maxretries</c>.
    /// Pass the exception that made you retry as <paramref name="cause"/> to keep its stack trace in the job's history.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative delay or max retries.</exception>
    [DoesNotReturn]
    public void Retry(TimeSpan? delay = null, int? maxRetries = null, string? queue = null, Exception? cause = null)
    {
        if (delay is { } d)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, TimeSpan.Zero, nameof(delay));
        }

        if (maxRetries is { } m)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(m, nameof(maxRetries));
        }

        if (queue is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(queue, nameof(queue));
        }

        throw new JobRetryException(delay, maxRetries, queue, cause);
    }

    /// <summary>Ends the job with status <c>abort</c>; it is kept for the abort TTL and never retried.</summary>
    [DoesNotReturn]
    public void Abort(Exception? cause = null) => throw new JobAbortException(cause);

    /// <summary>
    /// Counts one call against a limit that every worker shares (MRQ's <c>ratelimit</c> helper): at most
    /// <paramref name="limit"/> calls for <paramref name="key"/> per window of <paramref name="per"/>. Returns how many
    /// calls the window still allowed, this one included (<paramref name="limit"/> for the first, then one less each
    /// time, down to 1), or 0 once the limit is reached: then do not make the call, and for example
    /// <c>Retry(delay: per)</c>. Windows are fixed and aligned on the Unix epoch (the counter restarts at each multiple
    /// of <paramref name="per"/>); the counters live in the raw-queue broker (Redis, or the embedded file).
    /// </summary>
    /// <exception cref="ArgumentException">An empty key, a limit below 1, or a window of zero or less or longer than ten years.</exception>
    public async ValueTask<int> RateLimitAsync(string key, int limit, TimeSpan per, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(per, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(per, s_maxRateWindow);
        var calls = await CountRateLimitedCallAsync(key, per, cancellationToken).ConfigureAwait(false);
        return calls <= limit ? (int)(limit - calls + 1) : 0;
    }

    /// <summary>
    /// Counts one call for <paramref name="key"/> in the current window of <paramref name="per"/> and returns the calls
    /// that window has counted, this one included. The worker's context counts on its broker; a context made for a test
    /// overrides this to count as the test needs.
    /// </summary>
    protected virtual ValueTask<long> CountRateLimitedCallAsync(string key, TimeSpan per, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This JobContext has no rate-limit counters: RateLimitAsync works in a job run by a worker.");
}
