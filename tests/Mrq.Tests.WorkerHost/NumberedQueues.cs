using System.Globalization;
using Mrq;

namespace Mrq.Tests.WorkerHost;

/// <summary>
/// A raw queue of distinct numbers, so a test can tell which raw params became jobs and how often: <c>n</c> or
/// <c>n:ms</c> (the job then holds its slot <c>ms</c> milliseconds).
/// </summary>
public static class NumberedQueues
{
    [MrqRawQueue("host_numbered_raw")]
    public static JobRequest Numbered(string raw)
    {
        var colon = raw.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? Tasks.Numbered.Job(n: int.Parse(raw, CultureInfo.InvariantCulture), ms: 0)
            : Tasks.Numbered.Job(n: int.Parse(raw.AsSpan(0, colon), CultureInfo.InvariantCulture), ms: int.Parse(raw.AsSpan(colon + 1), CultureInfo.InvariantCulture));
    }
}

/// <summary>Returns its number after holding its slot <c>ms</c> milliseconds.</summary>
[MrqTask(Path = "host.Numbered")]
public sealed class Numbered
{
    public async Task<int> RunAsync(int n, int ms, CancellationToken cancellationToken)
    {
        if (ms > 0)
        {
            await Task.Delay(ms, cancellationToken);
        }

        return n;
    }
}
