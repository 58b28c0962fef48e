using Microsoft.Extensions.Logging;

namespace Mrq.Tests.Support;

/// <summary>
/// A logger provider that supports scopes, as JSON console or OpenTelemetry logs do: keeps each line with its scopes'
/// values and how many scopes were open (nested ones included).
/// </summary>
internal sealed class ScopeCapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly List<(string Message, Dictionary<string, object?> Scope, int Depth)> _lines = [];
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<(string Message, Dictionary<string, object?> Scope, int Depth)> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToList();
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(ScopeCapturingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
            var depth = 0;
            provider._scopes.ForEachScope(
                (value, into) =>
                {
                    depth++;
                    if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, item) in pairs)
                        {
                            into[key] = item;
                        }
                    }
                },
                scope);
            lock (provider._lines)
            {
                provider._lines.Add((formatter(state, exception), scope, depth));
            }
        }
    }
}
