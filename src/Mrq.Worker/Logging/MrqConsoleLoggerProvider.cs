using Microsoft.Extensions.Logging;
using Mrq.Infrastructure;
using Mrq.Processing;

namespace Mrq.Worker.Logging;

/// <summary>
/// Writes log lines the way MRQ does (<c>2026-01-01 12:00:00,123 [INFO] message</c>) to standard error, synchronously,
/// so the last line before exit is never lost and standard output stays free for command results. A message is cut at
/// <see cref="ValueText.MaxLogLineLength"/> and an exception at <see cref="ValueText.MaxTracebackLength"/> characters, so
/// one huge value cannot flood the log.
/// </summary>
internal sealed class MrqConsoleLoggerProvider(LogLevel minimum, TextWriter output) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new ConsoleLogger(this);

    public void Dispose() => output.Flush();

    private void Write(LogLevel level, string message, Exception? exception)
    {
        var line = $"{DateTime.Now:yyyy-MM-dd HH:mm:ss,fff} [{JobLogger.Label(level)}] {ValueText.Truncate(message, ValueText.MaxLogLineLength)}";
        lock (_gate)
        {
            output.WriteLine(line);
            if (exception is not null)
            {
                output.WriteLine(ValueText.TruncateMiddle(exception.ToString(), ValueText.MaxTracebackLength));
            }

            output.Flush();
        }
    }

    private sealed class ConsoleLogger(MrqConsoleLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, formatter(state, exception), exception);
            }
        }
    }

    private readonly LogLevel _minimum = minimum;
}
