namespace Mrq.Storage;

/// <summary>
/// A worker's report, MRQ's <c>mrq_workers</c> document: written when the worker starts, every
/// <c>report_interval</c> seconds and when it stops. Other workers read the reports to tell live workers from dead
/// ones (<see cref="Maintenance.JobRecovery"/>); the admin endpoint serves the current one.
/// </summary>
internal sealed record WorkerReport
{
    /// <summary>The worker id (<c>_id</c>), stored on the jobs it runs.</summary>
    public required string Id { get; init; }

    /// <summary><c>host.pid</c>, or <c>--name</c>.</summary>
    public required string Name { get; init; }

    /// <summary>One of <see cref="WorkerStatus"/>.</summary>
    public required string Status { get; init; }

    public required DateTime DateStarted { get; init; }

    public required DateTime DateReported { get; init; }

    /// <summary>Jobs finished so far, whatever their outcome.</summary>
    public long DoneJobs { get; init; }

    /// <summary>Moving average (about a minute) of the share of busy slots, 0 to 1.</summary>
    public double UsageAvg { get; init; }

    public required WorkerConfig Config { get; init; }

    public required ProcessUsage Process { get; init; }

    /// <summary>The jobs running at report time.</summary>
    public IReadOnlyList<CurrentJob> Jobs { get; init; } = [];

    /// <summary>
    /// The settings MRQ reports (<c>config</c>), plus <c>report_interval</c>, from which other workers judge when this
    /// one has gone silent for too long.
    /// </summary>
    internal sealed record WorkerConfig
    {
        public required IReadOnlyList<string> Queues { get; init; }

        public int Greenlets { get; init; }

        public int Processes { get; init; }

        public int MaxJobs { get; init; }

        public double MaxTime { get; init; }

        public int MaxMemory { get; init; }

        public required string DequeueStrategy { get; init; }

        public bool Scheduler { get; init; }

        public double ReportInterval { get; init; }
    }

    /// <summary>MRQ's <c>process</c>: cpu seconds and the share of one core used since the last report; memory in bytes.</summary>
    internal sealed record ProcessUsage
    {
        public int Pid { get; init; }

        public double CpuUser { get; init; }

        public double CpuSystem { get; init; }

        public double CpuPercent { get; init; }

        public long MemoryRss { get; init; }

        public long MemorySwap { get; init; }

        public long MemoryTotal => MemoryRss + MemorySwap;
    }

    /// <summary>One running job: MRQ's <c>jobs</c> entries (<c>id</c>, <c>path</c>, <c>datestarted</c>).</summary>
    internal sealed record CurrentJob(JobId Id, string Path, DateTime DateStarted);
}
