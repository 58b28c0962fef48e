using System.Collections;
using System.Globalization;

namespace Mrq.Worker;

/// <summary>
/// The logger scope a hosted worker runs each job in: structured loggers record <c>MrqJobId</c>, <c>MrqJobPath</c> and
/// <c>MrqQueue</c>, text loggers print <c>job 5f… tasks.Square on square</c>.
/// </summary>
internal sealed class JobLogScope(JobId id, string path, string queue) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("MrqJobId", id.ToString()),
        1 => new("MrqJobPath", path),
        2 => new("MrqQueue", queue),
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

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"job {id} {path} on {queue}");
}
