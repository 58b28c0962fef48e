using Mrq.Serialization;

namespace Mrq.Dashboard.Api;

/// <summary>Jobs as the API shows them: params and results as JSON text (the page shows them as text, never as HTML).</summary>
internal static class JobRows
{
    public static JobRow Row(JobInfo job) => new(
        job.Id.ToString(),
        job.Path,
        job.Queue,
        job.Status.ToName(),
        ToJson(job.Params, indented: false) ?? "{}",
        job.ExceptionType,
        job.Worker,
        job.DateQueued,
        job.DateStarted,
        job.DateUpdated,
        job.TotalTime,
        job.Progress,
        job.RetryCount,
        job.RawQueue,
        job.DateRetry);

    public static JobDetail Detail(JobInfo job) => new(
        Row(job) with { Params = ToJson(job.Params, indented: true) ?? "{}" },
        job.Result is { } result ? ToJson(result, indented: true) : null,
        job.Traceback,
        job.TracebackHistory.Select(t => new TracebackRow(t.Date, t.Status.ToName(), t.ExceptionType, t.Traceback, t.OriginalTraceback, t.Worker)).ToList(),
        job.DateExpires,
        job.DateRetry);

    private static string? ToJson(ReadOnlyMemory<byte> messagePack, bool indented)
    {
        if (messagePack.IsEmpty)
        {
            return null;
        }

        try
        {
            return MessagePackJson.ToJson(messagePack, indented);
        }
        catch (Exception e) when (e is MessagePack.MessagePackSerializationException or InvalidOperationException or EndOfStreamException)
        {
            return $"(not readable as MessagePack: {e.Message})";
        }
    }
}
