using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Mrq.Processing;

/// <summary>
/// A store or broker the worker loop could not reach: logged once when it begins (with the reason) and once when it
/// ends (with its length), while the loop backs off (0.5 s doubling up to 10 s) and tries again. Failures of the
/// worker's side tasks (maintenance, reports, paused queues) are not logged again during an outage.
/// </summary>
internal sealed partial class StoreOutage(ILogger logger)
{
    private static readonly TimeSpan s_firstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private long _began;
    private TimeSpan _delay = s_firstDelay;
    private int _attempts;

    /// <summary>Whether an outage is under way.</summary>
    public bool Active => Volatile.Read(ref _began) != 0;

    /// <summary>Records a failed call (logging the outage when it begins) and waits before the next attempt.</summary>
    public async ValueTask BackOffAsync(Exception e, CancellationToken cancellationToken)
    {
        await Task.Delay(Failed(e), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a failed call, logging the outage when it begins; returns how long to wait before trying again.</summary>
    private TimeSpan Failed(Exception e)
    {
        lock (_gate)
        {
            _attempts++;
            if (_began == 0)
            {
                _began = Stopwatch.GetTimestamp();
                _delay = s_firstDelay;
                LogBegan(Describe(e), s_maxDelay.TotalSeconds);
            }
            else
            {
                LogStillDown(_attempts, Describe(e));
            }

            if (logger.IsEnabled(LogLevel.Debug))
            {
                LogStack(e);
            }

            var delay = _delay;
            _delay = _delay * 2 < s_maxDelay ? _delay * 2 : s_maxDelay;
            return delay;
        }
    }

    /// <summary>Records a call that went through: ends the outage, if any, with one line.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _began) == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_began == 0)
            {
                return;
            }

            LogEnded(Stopwatch.GetElapsedTime(_began).TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), _attempts);
            _began = 0;
            _attempts = 0;
        }
    }

    /// <summary>The reason on one line: Mrq's own message for a known outage, else the exception's type and first line.</summary>
    public static string Describe(Exception e)
    {
        var message = Infrastructure.OneLine.Of(e.Message);
        return e is MrqStoreUnavailableException ? message : $"{e.GetType().Name}: {message}";
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Store unavailable: {Reason}. Retrying with back-off (up to every {MaxDelay}s) until it answers; jobs already running go on")]
    private partial void LogBegan(string reason, double maxDelay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Store still unavailable (attempt {Attempt}): {Reason}")]
    private partial void LogStillDown(int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Store failure")]
    private partial void LogStack(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store available again after {Seconds}s ({Attempts} failed attempts); resuming")]
    private partial void LogEnded(string seconds, int attempts);
}
