using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Mrq.Worker;

/// <summary>
/// The logger a task gets from <see cref="JobContext.Logger"/>: keeps its lines for the job's stored logs (MRQ's
/// <c>mrq_logs</c>) and passes them on to the worker's own log unless the worker is quiet.
/// </summary>
internal sealed class JobLogger(ILogger worker, bool quiet, JobId jobId) : ILogger
{
    private readonly StringBuilder _lines = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        lock (_lines)
        {
            _lines.Append(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture))
                .Append(" [").Append(Label(logLevel)).Append("] ").Append(message).Append('\n');
            if (exception is not null)
            {
                _lines.Append(exception).Append('\n');
            }
        }

        if (!quiet && worker.IsEnabled(logLevel))
        {
            worker.Log(logLevel, eventId, $"[job {jobId}] {message}", exception, static (text, _) => text);
        }
    }

    /// <summary>The lines logged so far, or null when there are none.</summary>
    public string? TakeLines()
    {
        lock (_lines)
        {
            if (_lines.Length == 0)
            {
                return null;
            }

            var text = _lines.ToString();
            _lines.Clear();
            return text;
        }
    }

    /// <summary>MRQ's level names (<c>DEBUG</c>, <c>INFO</c>, <c>WARNING</c>, <c>ERROR</c>, <c>CRITICAL</c>), shared with the console log.</summary>
    internal static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        _ => "CRITICAL",
    };
}
