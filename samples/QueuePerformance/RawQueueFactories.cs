using System.Globalization;
using Mrq;

namespace QueuePerformance;

/// <summary>
/// The tutorial's raw queues (MRQ's <c>RAW_QUEUES</c>): only the raw param ("42") waits in the queue; these factories
/// turn it into a <c>tasks.Square</c> job when a worker dequeues it.
/// </summary>
internal static class RawQueueFactories
{
    /// <summary>A Redis list: FIFO; jobs are stored as started when dequeued, with their result on success.</summary>
    [MrqRawQueue("square_raw")]
    public static JobRequest SquareRaw(string raw) => Tasks.Square.Job(n: int.Parse(raw, CultureInfo.InvariantCulture));

    /// <summary>Redis only: nothing is stored unless a job ends in a status other than started or success.</summary>
    [MrqRawQueue("square_nostorage_raw", StatusesNoStorage = [JobStatus.Started, JobStatus.Success])]
    public static JobRequest SquareNoStorage(string raw) => Tasks.Square.Job(n: int.Parse(raw, CultureInfo.InvariantCulture));
}
