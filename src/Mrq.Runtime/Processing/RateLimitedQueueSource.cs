using Mrq.Configuration;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// A queue with a <c>rate_limit</c>: before each claim, reserves the claim's jobs on the broker's counter of the
/// current window (<see cref="IRateLimits"/>, shared by every worker), claims only what the limit leaves, and gives back
/// what the claim did not find. Once the window is used up the queue takes nothing, without a round trip, until the
/// next window: <see cref="LimitedUntil"/> tells the worker loop that the queue is waiting, not empty.
/// </summary>
/// <remarks>
/// Counting before claiming keeps the limit whatever several workers do at once: the counter can only be over the
/// limit for reservations that then claim nothing. A window's jobs are counted when claimed (a regular queue claims a
/// few jobs ahead of its free greenlets), which is when the store marks them started.
/// </remarks>
internal sealed class RateLimitedQueueSource(QueueSource inner, Lazy<IRateLimits> counters, QueueRateLimit limit) : QueueSource
{
    private DateTime _limitedUntil;

    public override string Name => inner.Name;

    public override bool ClaimsAhead => inner.ClaimsAhead;

    public override string PauseName => inner.PauseName;

    /// <summary>The queue under the limit.</summary>
    public QueueSource Inner => inner;

    public override DateTime? LimitedUntil => _limitedUntil > DateTime.UtcNow ? _limitedUntil : null;

    public override async ValueTask<int> DequeueAsync(int max, IClaimRecount? recount, string workerId, List<ClaimedJob> into, OutcomeBatch outcomes, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        if (now < _limitedUntil || max <= 0)
        {
            return 0;
        }

        var reserved = Math.Min(max, limit.Limit);
        var counted = await counters.Value.CountCallsAsync(limit.CounterKey, reserved, limit.Per, now, cancellationToken).ConfigureAwait(false);
        var allowed = (int)Math.Clamp(limit.Limit - (counted - reserved), 0, reserved);
        if (allowed < reserved && counted - reserved + allowed >= limit.Limit)
        {
            // This claim takes what is left of the window (maybe nothing): the next claim waits for the next window.
            _limitedUntil = WindowEnd(now);
        }

        var claimed = 0;
        try
        {
            // No recount: a claim may not take more than the reservation.
            claimed = allowed > 0 ? await inner.DequeueAsync(allowed, null, workerId, into, outcomes, cancellationToken).ConfigureAwait(false) : 0;
        }
        finally
        {
            // A reservation over the limit blocks nobody more than the limit does; only what was allowed and not found is
            // given back, so that other workers may claim it in this window.
            if (claimed < allowed)
            {
                await counters.Value.CountCallsAsync(limit.CounterKey, claimed - allowed, limit.Per, now, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return claimed;
    }

    public override ValueTask ReleaseAsync() => inner.ReleaseAsync();

    private DateTime WindowEnd(DateTime now) =>
        new(DateTime.UnixEpoch.Ticks + ((RateWindow.Number(now, limit.Per) + 1) * limit.Per.Ticks), DateTimeKind.Utc);
}
