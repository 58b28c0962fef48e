using Microsoft.Extensions.Logging;
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
internal sealed partial class RateLimitedQueueSource(QueueSource inner, Lazy<IRateLimits> counters, QueueRateLimit limit, ILogger logger) : QueueSource
{
    private DateTime _limitedUntil;

    public override string Name => inner.Name;

    public override bool ClaimsAhead => inner.ClaimsAhead;

    public override string PauseName => inner.PauseName;

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
        if (allowed == 0)
        {
            // The window is used up: wait for the next. A reservation over the limit blocks nobody more than the limit
            // does, so there is nothing to give back.
            WaitForNextWindow(now);
            return 0;
        }

        int claimed;
        try
        {
            // No recount: a claim may not take more than the reservation.
            claimed = await inner.DequeueAsync(allowed, null, workerId, into, outcomes, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await GiveBackAsync(allowed, now).ConfigureAwait(false);
            throw;
        }

        if (claimed < allowed)
        {
            await GiveBackAsync(allowed - claimed, now).ConfigureAwait(false);
        }
        else if (allowed < reserved)
        {
            // This claim took what was left of the window: the next one waits for the next window, without asking.
            WaitForNextWindow(now);
        }

        return claimed;
    }

    /// <summary>
    /// Gives back what was reserved and not claimed, so that other workers may claim it in this window. Best effort: the
    /// claimed jobs must be handed out whatever happens, and a count left too high only starts fewer jobs this window.
    /// </summary>
    private async ValueTask GiveBackAsync(int unused, DateTime now)
    {
        try
        {
            await counters.Value.CountCallsAsync(limit.CounterKey, -unused, limit.Per, now, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The broker went away between the reservation and now; the next claim will say so.
        }
    }

    public override ValueTask ReleaseAsync() => inner.ReleaseAsync();

    private void WaitForNextWindow(DateTime now)
    {
        _limitedUntil = RateWindow.End(RateWindow.Number(now, limit.Per), limit.Per);
        LogLimitReached(inner.Name, limit.Limit, limit.Per.TotalSeconds, _limitedUntil);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queue {Queue}: {Limit} jobs per {Per} s started; waiting for the next window at {Until:O}")]
    private partial void LogLimitReached(string queue, int limit, double per, DateTime until);
}
