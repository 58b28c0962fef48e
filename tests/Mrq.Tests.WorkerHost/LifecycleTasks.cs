using Microsoft.Extensions.Logging;
using Mrq;

namespace Mrq.Tests.WorkerHost;

/// <summary>Asks to be retried after <c>delay</c> seconds on its first run, then returns 42 (MRQ's RetrySimple).</summary>
[MrqTask(Path = "host.RetryOnce")]
public sealed class RetryOnce
{
    public int Run(JobContext context, int delay)
    {
        if (context.RetryCount == 0)
        {
            context.Retry(delay: TimeSpan.FromSeconds(delay));
        }

        return 42;
    }
}

/// <summary>Aborts itself (MRQ's Abort task).</summary>
[MrqTask(Path = "host.Abort")]
public sealed class AbortJob
{
    public int Run(JobContext context)
    {
        context.Abort();
        return 0;
    }
}

/// <summary>Holds the task's only concurrency slot for <c>ms</c> milliseconds (MRQ's LockedAdd).</summary>
[MrqTask(Path = "host.Locked", MaxConcurrency = 1)]
public sealed class Locked
{
    public async Task<int> RunAsync(int ms, CancellationToken cancellationToken)
    {
        await Task.Delay(ms, cancellationToken);
        return ms;
    }
}

/// <summary>Logs through the job logger and reports progress (MRQ's logger.Simple and Progress).</summary>
[MrqTask(Path = "host.LogAndProgress")]
public sealed class LogAndProgress
{
    public int Run(JobContext context, int a, int b)
    {
        context.Logger.LogInformation("adding {A} and {B}", a, b);
        context.SetProgress(0.5);
        return a + b;
    }
}

/// <summary>MRQ's ratelimit helper: the calls the current window (a year, so tests stay inside one) still allows.</summary>
[MrqTask(Path = "host.RateLimited")]
public sealed class RateLimited
{
    public async Task<int> RunAsync(JobContext context, string key) => await context.RateLimitAsync(key, 2, TimeSpan.FromDays(365));
}
