using System.Globalization;
using Mrq;
using Mrq.Worker;

namespace QueuePerformance;

/// <summary>
/// The tutorial's <c>enqueue.py</c>: <c>enqueue QUEUE COUNT</c> queues COUNT <c>Square</c> jobs with n=42 on a regular
/// queue, or COUNT raw params "42" on a raw queue (a name ending in _raw, _set, _sorted_set or _timed_set).
/// <c>enqueue QUEUE COUNT io MS</c> and <c>enqueue QUEUE COUNT cpu N</c> queue the tutorial's I/O-bound and CPU-bound
/// tasks instead (the concurrency benchmarks, bench/concurrency.sh).
/// </summary>
internal static class EnqueueCommand
{
    public const string Usage = "QUEUE COUNT [io MS|cpu N]  enqueue COUNT Square jobs with n=42 (or IO/CPU jobs) on QUEUE";

    public static Task<int> RunAsync(MrqCommandContext context)
    {
        if (context.Arguments is not ([_, _] or [_, _, _, _]))
        {
            throw new MrqUsageException("usage: enqueue QUEUE COUNT [io MS|cpu N]");
        }

        var (queue, countText) = (context.Arguments[0], context.Arguments[1]);
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

        var job = context.Arguments is [_, _, var task, var argText] ? OtherTask(task, argText) : Tasks.Square.Job(n: 42);
        job = job.OnQueue(queue);
        var jobs = new JobRequest[count];
        Array.Fill(jobs, job);
        var ids = context.Client.EnqueueMany(jobs);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Enqueued {ids.Count} jobs on {queue}"));
        return Task.FromResult(0);
    }

    private static JobRequest OtherTask(string task, string argText)
    {
        if (!int.TryParse(argText, NumberStyles.None, CultureInfo.InvariantCulture, out var arg))
        {
            throw new MrqUsageException($"the task's argument must be a non-negative integer, got '{argText}'.");
        }

        return task switch
        {
            "io" => Tasks.Io.Job(ms: arg),
            "cpu" => Tasks.Cpu.Job(n: arg),
            _ => throw new MrqUsageException($"TASK must be io or cpu, got '{task}'."),
        };
    }
}
