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
