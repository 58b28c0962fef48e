using Microsoft.AspNetCore.Http;

namespace Mrq.Dashboard.Api;

/// <summary>
/// MRQ's job filters as query-string or action fields: <c>queue</c> (<c>x/</c> for a queue and its subqueues; a raw
/// queue's name selects the jobs made from it),
/// <c>path</c>, <c>status</c> (several joined by <c>-</c> or <c>,</c>), <c>worker</c>, <c>exceptiontype</c>, <c>id</c>
/// and <c>params</c> (a JSON object).
/// </summary>
internal static class JobFilterQuery
{
    /// <summary>The filter the query string names; throws <see cref="ArgumentException"/> with a one-line reason for bad values.</summary>
    public static JobFilter FromQuery(IQueryCollection query) => Build(
        Value(query, "id"),
        Value(query, "queue"),
        Value(query, "path"),
        Value(query, "status"),
        Value(query, "worker"),
        Value(query, "exceptiontype"),
        Value(query, "params"));

    /// <summary>The filter an action names.</summary>
    public static JobFilter FromAction(JobActionRequest action) =>
        Build(action.Id, action.Queue, action.Path, action.Status, action.Worker, action.ExceptionType, action.Params);

    private static JobFilter Build(string? id, string? queue, string? path, string? status, string? worker, string? exceptionType, string? parameters)
    {
        JobId? jobId = null;
        if (Clean(id) is { } idText)
        {
            jobId = JobId.TryParse(idText, out var parsed) ? parsed : throw new ArgumentException($"'{idText}' is not a job id.");
        }

        List<JobStatus>? statuses = null;
        if (Clean(status) is { } statusText)
        {
            statuses = [];
            foreach (var name in statusText.Split(['-', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                statuses.Add(JobStatusNames.TryParse(name, out var parsed) ? parsed.Value : throw new ArgumentException($"'{name}' is not a job status."));
            }
        }

        if (Clean(parameters) is { } json)
        {
            // Checked here so that a bad value is a 400 with its reason, not a failure in the store.
            Storage.ParamsFilter.Parse(json);
        }

        // Jobs made from a raw queue keep its name in raw_queue (their queue is the factory's retry queue), so a raw
        // queue's name selects them by that.
        var queueName = Clean(queue);
        var isRaw = queueName is not null && Storage.RawQueueNames.TryGetType(queueName, out _);
        return new JobFilter
        {
            Id = jobId,
            Queue = isRaw ? null : queueName,
            RawQueue = isRaw ? queueName : null,
            Path = Clean(path),
            Statuses = statuses,
            Worker = Clean(worker),
            ExceptionType = Clean(exceptionType),
            Params = Clean(parameters),
        };
    }

    private static string? Value(IQueryCollection query, string name) => query.TryGetValue(name, out var values) ? values.ToString() : null;

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
