using Microsoft.Extensions.Logging;

namespace Mrq.Tests.Worker;

[MrqTask(Path = "tests.lifecycle.RetryThenSucceed")]
public sealed class RetryThenSucceed
{
    public int Run(JobContext context, int times, int delaySeconds, string? queue = null)
    {
        if (context.RetryCount < times)
        {
            context.Retry(delay: TimeSpan.FromSeconds(delaySeconds), queue: queue, cause: new InvalidOperationException("not yet " + context.RetryCount));
        }

        return 42;
    }
}

[MrqTask(Path = "tests.lifecycle.AlwaysRetry", MaxRetries = 2)]
public sealed class AlwaysRetry
{
    public int Run(JobContext context, int delaySeconds)
    {
        context.Retry(delay: TimeSpan.FromSeconds(delaySeconds));
        return 0;
    }
}

[MrqTask(Path = "tests.lifecycle.FlakyThenSucceed", RetryOnFailure = true, MaxRetries = 3, RetryDelay = 0)]
public sealed class FlakyThenSucceed
{
    public int Run(JobContext context, int failures) =>
        context.RetryCount < failures ? throw new TimeoutException("attempt " + context.RetryCount) : context.RetryCount;
}

[MrqTask(Path = "tests.lifecycle.BackedOff", RetryOnFailure = true, RetryBackoff = true, RetryDelay = 600, MaxRetries = 5)]
public sealed class BackedOff
{
    public int Run(JobContext context) => throw new InvalidOperationException("attempt " + context.RetryCount);
}

[MrqTask(Path = "tests.lifecycle.RateLimited")]
public sealed class RateLimited
{
    // A window of a year: the test's few jobs never straddle two windows.
    public async Task<int> Run(JobContext context, string key) => await context.RateLimitAsync(key, 3, TimeSpan.FromDays(365));
}

[MrqTask(Path = "tests.lifecycle.Flaky")]
public sealed class Flaky
{
    public int Run(JobContext context) => throw new InvalidOperationException("attempt " + context.RetryCount);
}

[MrqTask(Path = "tests.lifecycle.NeverRetried", RetryOnFailure = false)]
public sealed class NeverRetried
{
    public int Run() => throw new InvalidOperationException("no second chance");
}

[MrqTask(Path = "tests.lifecycle.Abort")]
public sealed class AbortTask
{
    public int Run(JobContext context)
    {
        context.Abort(new InvalidOperationException("bad data"));
        return 0;
    }
}

[MrqTask(Path = "tests.lifecycle.WaitForCancel", Timeout = 1)]
public sealed class WaitForCancel
{
    public async Task<string> RunAsync(string log, CancellationToken cancellationToken)
    {
        ExecutionLog.For(log).Enqueue(1);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            ExecutionLog.For(log).Enqueue(2);
            throw;
        }

        return "never";
    }
}

[MrqTask(Path = "tests.lifecycle.WaitLong")]
public sealed class WaitLong
{
    public async Task<string> RunAsync(string log, CancellationToken cancellationToken)
    {
        ExecutionLog.For(log).Enqueue(1);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            ExecutionLog.For(log).Enqueue(2);
            throw;
        }

        return "finished";
    }
}

[MrqTask(Path = "tests.lifecycle.Locked", MaxConcurrency = 1)]
public sealed class Locked
{
    public async Task<int> RunAsync(int n)
    {
        await Task.Delay(500);
        return n;
    }
}

[MrqTask(Path = "tests.lifecycle.ProgressAndLogs")]
public sealed class ProgressAndLogs
{
    public int Run(JobContext context, int a, int b)
    {
        context.SetProgress(0.5);
        context.Logger.LogInformation("adding {A} and {B}", a, b);
        context.Logger.LogWarning("done adding");
        return a + b;
    }
}
