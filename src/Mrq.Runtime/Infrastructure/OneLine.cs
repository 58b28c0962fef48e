namespace Mrq.Infrastructure;

/// <summary>Messages for one-line errors and log lines: drivers put diagnostics dumps after the first line.</summary>
internal static class OneLine
{
    /// <summary>The first line of <paramref name="message"/>.</summary>
    public static string Of(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
