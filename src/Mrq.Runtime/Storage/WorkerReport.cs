namespace Mrq.Storage;

/// <summary>
/// A worker's report, MRQ's <c>mrq_workers</c> document: written when the worker starts, every
/// <c>report_interval</c> seconds and when it stops. Other workers read the reports to tell live workers from dead
/// ones (job recovery); the admin endpoint serves the current one.
/// </summary>
public sealed record WorkerReport
{
    /// <summary>The worker id (<c>_id</c>), stored on the jobs it runs.</summary>
    public required string Id { get; init; }

    /// <summary><c>host.pid</c>, or <c>--name</c>.</summary>
    public required string Name { get; init; }

    /// <summary>One of <see cref="WorkerStatus"/>.</summary>
    public required string Status { get; init; }

    /// <summary>When the worker started.</summary>
    public required DateTime DateStarted { get; init; }

    /// <summary>When this report was written.</summary>
    public required DateTime DateReported { get; init; }

    /// <summary>Jobs finished so far, whatever their outcome.</summary>
    public long DoneJobs { get; init; }

    /// <summary>Moving average (about a minute) of the share of busy slots, 0 to 1.</summary>
    public double UsageAvg { get; init; }

    /// <summary>The worker's settings.</summary>
    public required WorkerConfig Config { get; init; }

    /// <summary>The worker process's resource use.</summary>
    public required ProcessUsage Process { get; init; }

    /// <summary>The jobs running at report time.</summary>
    public IReadOnlyList<CurrentJob> Jobs { get; init; } = [];

    /// <summary>
    /// The settings MRQ reports (<c>config</c>), plus <c>report_interval</c>, from which other workers judge when this
    /// one has gone silent for too long.
    /// </summary>
    public sealed record WorkerConfig
    {
        /// <summary>The queues the worker listens to, in order.</summary>
        public required IReadOnlyList<string> Queues { get; init; }

        /// <summary>Jobs run at once (<c>--greenlets</c>).</summary>
        public int Greenlets { get; init; }

        /// <summary>Worker processes (<c>--processes</c>; 0 when not supervised).</summary>
        public int Processes { get; init; }

        /// <summary>Jobs after which the worker stops (0: no limit).</summary>
        public int MaxJobs { get; init; }

        /// <summary>Seconds after which the worker stops (0: no limit).</summary>
        public double MaxTime { get; init; }

        /// <summary>Megabytes of memory after which the worker stops (0: no limit).</summary>
        public int MaxMemory { get; init; }

        /// <summary>How the worker picks among its queues (<c>sequential</c>, <c>parallel</c>, <c>burst</c>).</summary>
        public required string DequeueStrategy { get; init; }

        /// <summary>Whether the worker runs the scheduler.</summary>
        public bool Scheduler { get; init; }

        /// <summary>Seconds between reports.</summary>
        public double ReportInterval { get; init; }
    }

    /// <summary>MRQ's <c>process</c>: cpu seconds and the share of one core used since the last report; memory in bytes.</summary>
    public sealed record ProcessUsage
    {
        /// <summary>The process id.</summary>
        public int Pid { get; init; }

        /// <summary>User CPU seconds since the process started.</summary>
        public double CpuUser { get; init; }

        /// <summary>System CPU seconds since the process started.</summary>
        public double CpuSystem { get; init; }

        /// <summary>The share of one core used since the last report, in percent.</summary>
        public double CpuPercent { get; init; }

        /// <summary>Resident memory, in bytes.</summary>
        public long MemoryRss { get; init; }

        /// <summary>Swapped-out memory, in bytes.</summary>
        public long MemorySwap { get; init; }

        /// <summary>Resident plus swapped-out memory, in bytes.</summary>
        public long MemoryTotal => MemoryRss + MemorySwap;
    }

    /// <summary>One running job: MRQ's <c>jobs</c> entries (<c>id</c>, <c>path</c>, <c>datestarted</c>).</summary>
    /// <param name="Id">The job's id.</param>
    /// <param name="Path">The task path.</param>
    /// <param name="DateStarted">When the job started.</param>
    public sealed record CurrentJob(JobId Id, string Path, DateTime DateStarted);
}
