using System.Globalization;
using Mrq;
using Mrq.Worker;

namespace QueuePerformance;

/// <summary>
/// The tutorial's <c>enqueue.py</c>: <c>enqueue QUEUE COUNT</c> queues COUNT <c>Square</c> jobs with n=42 on a regular
/// queue, or COUNT raw params "42" on a raw queue (a name ending in _raw, _set, _sorted_set or _timed_set).
/// </summary>
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

        if (RawQueueNaming.TypeOf(queue) is { } rawType)
        {
            var items = new RawParam[count];
            for (var i = 0; i < items.Length; i++)
            {
                // Every kind of set keeps one copy of a member, so sets get distinct params; lists take "42" as MRQ's example.
                items[i] = rawType != RawQueueType.List ? new RawParam(i.ToString(CultureInfo.InvariantCulture), i) : "42";
            }

            context.Client.EnqueueRaw(queue, items);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Enqueued {count} raw params on {queue}"));
            return Task.FromResult(0);
        }

        var job = Tasks.Square.Job(n: 42).OnQueue(queue);
        var jobs = new JobRequest[count];
        Array.Fill(jobs, job);
        var ids = context.Client.EnqueueMany(jobs);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Enqueued {ids.Count} jobs on {queue}"));
        return Task.FromResult(0);
    }
}
