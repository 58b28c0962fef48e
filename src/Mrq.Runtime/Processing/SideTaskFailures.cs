namespace Mrq.Processing;

/// <summary>
/// Failures of what runs beside the dequeue loop: maintenance, reports, progress writes, the paused-queue refresh.
/// During an outage of the loop's store they say nothing more (the outage logs it once); otherwise each is logged, the
/// same reason at most once every <see cref="s_repeat"/> (a Redis used only for pauses and slots, away for an hour, is
/// one line, not one every refresh).
/// </summary>
internal sealed class SideTaskFailures(StoreOutage outage)
{
    private static readonly TimeSpan s_repeat = TimeSpan.FromMinutes(5);
    private readonly Lock _gate = new();
    private string? _last;
    private DateTime _lastLogged;

    /// <summary>Logs <paramref name="e"/> with <paramref name="log"/> unless the loop's store is away or it was just logged.</summary>
    public void Report(Exception e, Action<string> log)
    {
        if (outage.Active)
        {
            return;
        }

        var reason = StoreOutage.Describe(e);
        var now = DateTime.UtcNow;
        lock (_gate)
        {
            if (reason == _last && now - _lastLogged < s_repeat)
            {
                return;
            }

            _last = reason;
            _lastLogged = now;
        }

        log(reason);
    }
}
