using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Mrq.Infrastructure;

namespace Mrq.Processing;

/// <summary>
/// The logger a task gets from <see cref="JobContext.Logger"/>: keeps its lines for the job's stored logs (MRQ's
/// <c>mrq_logs</c>) and passes them on to the worker's own log unless the worker is quiet.
/// </summary>
/// <remarks>
/// Both are bounded (<see cref="ValueText"/>): a line the worker prints is cut at
/// <see cref="ValueText.MaxLogLineLength"/>, and the lines kept for one run at <see cref="ValueText.MaxJobLogLength"/>,
/// past which they are counted and a marker says how much was cut.
/// </remarks>
internal sealed class JobLogger(ILogger worker, bool quiet, JobId jobId) : ILogger
{
    private readonly StringBuilder _lines = new();
    private int _cut;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        lock (_lines)
        {
            var line = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture) + " [" + Label(logLevel) + "] " + message + "\n"
                + (exception is null ? "" : exception + "\n");
            var room = ValueText.MaxJobLogLength - _lines.Length;
            if (line.Length <= room)
            {
                _lines.Append(line);
            }
            else
            {
                _lines.Append(line, 0, Math.Max(room, 0));
                _cut += line.Length - Math.Max(room, 0);
            }
        }

        if (!quiet && worker.IsEnabled(logLevel))
        {
            var shown = ValueText.Truncate(message, ValueText.MaxLogLineLength);
            worker.Log(logLevel, eventId, $"[job {jobId}] {shown}", exception, static (text, _) => text);
        }
    }

    /// <summary>The lines logged so far, or null when there are none.</summary>
    public string? TakeLines()
    {
        lock (_lines)
        {
            if (_lines.Length == 0 && _cut == 0)
            {
                return null;
            }

            var text = _cut == 0 ? _lines.ToString() : _lines + "\n" + ValueText.Marker(_cut) + "\n";
            _lines.Clear();
            _cut = 0;
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
