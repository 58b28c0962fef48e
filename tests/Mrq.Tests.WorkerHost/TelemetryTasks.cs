using Microsoft.Extensions.Logging;
using Mrq;

namespace Mrq.Tests.WorkerHost;

/// <summary>
/// Enqueues one more <c>host.Nest</c> job on its own queue while <c>depth</c> is above zero (a job enqueued from inside
/// a job, for the trace tests), logging a line first.
/// </summary>
[MrqTask(Path = "host.Nest")]
public sealed class Nest
{
    public int Run(JobContext context, int depth)
    {
        context.Logger.LogInformation("nesting at depth {Depth}", depth);
        if (depth > 0)
        {
            MrqClient.Default.Enqueue(Tasks.Nest.Job(depth: depth - 1).OnQueue(context.Queue));
        }

        return depth;
    }
}

/// <summary>Always fails with an <see cref="InvalidOperationException"/> carrying <c>message</c>.</summary>
[MrqTask(Path = "host.Fail")]
public sealed class Fail
{
    public int Run(string message) => throw new InvalidOperationException(message);
}
