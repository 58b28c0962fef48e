using System.Globalization;
using Mrq;
using Mrq.Worker;

namespace QueuePerformance;

/// <summary>The tutorial's <c>enqueue.py</c>: <c>enqueue QUEUE COUNT</c> queues COUNT <c>Square</c> jobs with n=42.</summary>
internal static class EnqueueCommand
{
    public static Task<int> RunAsync(MrqCommandContext context)
    {
        if (context.Arguments is not [var queue, var countText])
        {
            throw new MrqUsageException("usage: enqueue QUEUE COUNT");
        }

        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            throw new MrqUsageException($"COUNT must be a positive integer, got '{countText}'.");
        }

        var job = Tasks.Square.Job(n: 42).OnQueue(queue);
        var jobs = new JobRequest[count];
        Array.Fill(jobs, job);
        var ids = context.Client.EnqueueMany(jobs);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Enqueued {ids.Count} jobs on {queue}"));
        return Task.FromResult(0);
    }
}
