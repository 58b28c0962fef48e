using Mrq.Configuration;
using Mrq.Processing;
using Mrq.Storage;

namespace Mrq.Tests.Support;

/// <summary>Jobs as the worker holds them once claimed, for tests of its slots and greenlets (never run: no host).</summary>
internal static class RunningJobs
{
    public static RunningJob[] Create(int count, string path)
    {
        var policy = TaskPolicies.Create(new MrqSettings()).For(path);
        var now = DateTime.UtcNow;
        return [.. Enumerable.Range(0, count).Select(_ => new RunningJob(
            new ClaimedJob(JobId.NewId(), path, "default", default, 0, now, now),
            policy,
            null,
            null!,
            CancellationToken.None))];
    }
}
