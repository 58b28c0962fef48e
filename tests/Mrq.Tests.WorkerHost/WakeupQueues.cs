using Mrq;

namespace Mrq.Tests.WorkerHost;

/// <summary>Raw queues whose jobs mark their start with a file in the directory named by the raw param (host.Mark).</summary>
public static class WakeupQueues
{
    /// <summary>Stores its jobs as started, like square_raw.</summary>
    [MrqRawQueue("host_mark_raw")]
    public static JobRequest Mark(string directory) => Tasks.Mark.Job(directory: directory, ms: 0);

    /// <summary>Stores nothing unless a job fails (on Redis, a Redis-only queue).</summary>
    [MrqRawQueue("host_mark_nostorage_raw", StatusesNoStorage = [JobStatus.Started, JobStatus.Success])]
    public static JobRequest MarkNoStorage(string directory) => Tasks.Mark.Job(directory: directory, ms: 0);
}
