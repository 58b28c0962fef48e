using System.Collections;
using System.Diagnostics;
using Mrq.Storage;

namespace Mrq.Diagnostics;

/// <summary>
/// The logging scope of a running job: its trace and span ids (when a span records it), id, path and queue. A struct,
/// so a logger that ignores scopes (MRQ's console log) costs nothing; a scope-aware provider (JSON console,
/// OpenTelemetry logs) copies it into every line the job writes.
/// </summary>
internal readonly struct JobLogScope(ClaimedJob job, Activity? activity) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string TraceIdKey = "TraceId";
    public const string SpanIdKey = "SpanId";
    public const string JobIdKey = "MrqJobId";
    public const string PathKey = "MrqJobPath";
    public const string QueueKey = "MrqJobQueue";

    private int Offset => activity is null ? 2 : 0;

    public int Count => 5 - Offset;

    public KeyValuePair<string, object?> this[int index] => (index + Offset) switch
    {
        0 => new(TraceIdKey, activity!.TraceId.ToHexString()),
        1 => new(SpanIdKey, activity!.SpanId.ToHexString()),
        2 => new(JobIdKey, job.Id.ToString()),
        3 => new(PathKey, job.Path),
        4 => new(QueueKey, job.Queue),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        activity is null
            ? $"job {job.Id} {job.Path} on {job.Queue}"
            : $"job {job.Id} {job.Path} on {job.Queue}, trace {activity.TraceId.ToHexString()} span {activity.SpanId.ToHexString()}";
}
