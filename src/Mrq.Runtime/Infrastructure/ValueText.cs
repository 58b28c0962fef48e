using System.Globalization;

namespace Mrq.Infrastructure;

/// <summary>
/// The size limits of text Mrq stores or logs on behalf of a job (docs/jobs.md, "Size limits"), and the truncation that
/// applies them: what is cut is replaced by a marker saying how many characters were cut, so one huge param or
/// exception message cannot flood the worker's log or the store.
/// </summary>
internal static class ValueText
{
    /// <summary>A value quoted in a message or log line: a raw param, a param value in an error.</summary>
    public const int MaxShownValueLength = 1_000;

    /// <summary>A stored <c>traceback</c> or <c>original_traceback</c>, and a traceback printed by <c>run</c>.</summary>
    public const int MaxTracebackLength = 64 * 1024;

    /// <summary>The log lines stored for one run of a job.</summary>
    public const int MaxJobLogLength = 1024 * 1024;

    /// <summary>One line of a job's log as the worker prints it.</summary>
    public const int MaxLogLineLength = 16 * 1024;

    /// <summary>Keeps the start of <paramref name="text"/> up to <paramref name="max"/> characters, then a marker.</summary>
    public static string Truncate(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max), Marker(text.Length - max));

    /// <summary>
    /// Keeps the start and the end of <paramref name="text"/> (a traceback: the message and the innermost frames) and
    /// cuts the middle, so at most <paramref name="max"/> characters plus the marker remain.
    /// </summary>
    public static string TruncateMiddle(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var head = max / 2;
        var tail = max - head;
        return string.Concat(text.AsSpan(0, head), Environment.NewLine + Marker(text.Length - max) + Environment.NewLine, text.AsSpan(text.Length - tail));
    }

    /// <summary>Applies <see cref="MaxTracebackLength"/>; null stays null.</summary>
    public static string? Traceback(string? traceback) => traceback is null ? null : TruncateMiddle(traceback, MaxTracebackLength);

    /// <summary>The marker that replaces cut text.</summary>
    public static string Marker(int cut) => string.Create(CultureInfo.InvariantCulture, $"[… {cut:N0} characters cut]");
}
