using System.Globalization;

namespace Mrq.Tests.Generated;

// Real raw-queue factories compiled through the generator: one per queue type, two with subqueues. Their names do not
// clash with the hand-registered queues of the worker tests (TestRawQueues).
internal static class GeneratedRawQueueFactories
{
    /// <summary>A list with subqueues and a retry queue: "n" becomes a DisposableTask job with that n.</summary>
    [MrqRawQueue("tests_generated_raw", RetryQueue = "tests_generated_retry", HasSubqueues = true)]
    public static JobRequest ListJob(string raw) => Tasks.DisposableTask.Job(n: int.Parse(raw, CultureInfo.InvariantCulture));

    /// <summary>A set whose jobs are stored only when they end in a status other than started or success.</summary>
    [MrqRawQueue("tests_generated_set", StatusesNoStorage = [JobStatus.Started, JobStatus.Success])]
    internal static JobRequest SetJob(string? raw) => Tasks.DefaultsTask.Job(required: raw?.Length ?? -1, name: raw ?? "null");

    /// <summary>A sorted set.</summary>
    [MrqRawQueue("tests_generated_sorted_set", StatusesNoStorage = [JobStatus.Success])]
    public static JobRequest SortedJob(string raw) => Tasks.DefaultsTask.Job(required: 0, name: raw).OnQueue("tests_generated_sorted");

    /// <summary>A timed set that pushes dequeued members back, with subqueues.</summary>
    [MrqRawQueue("tests_generated_timed_set", PushbackSeconds = 60, HasSubqueues = true)]
    public static JobRequest TimedJob(string raw) => Tasks.NothingTask.Job();
}
