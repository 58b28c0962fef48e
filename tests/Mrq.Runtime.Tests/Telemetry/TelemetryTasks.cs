using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mrq.Tests.Telemetry;

/// <summary>Gates the telemetry tests open to let their held jobs finish: each test names its own.</summary>
internal static class Gates
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> s_gates = new();

    public static TaskCompletionSource For(string name) =>
        s_gates.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>Logs a line, then holds its slot until the test opens <c>gate</c>.</summary>
[MrqTask(Path = "tests.telemetry.Held")]
public sealed class Held
{
    public async Task<int> RunAsync(JobContext context, string gate)
    {
        context.Logger.LogInformation("held at {Gate}", gate);
        await Gates.For(gate).Task.WaitAsync(TimeSpan.FromMinutes(2));
        return 1;
    }
}

[MrqTask(Path = "tests.telemetry.Chatty")]
public sealed class Chatty
{
    public async Task RunAsync(JobContext context, int n)
    {
        // Logged before the first await: a job claimed ahead runs this part on the thread of the job that ended before it.
        context.Logger.LogInformation("chatty {N}", n);
        await Task.Delay(1);
    }
}
