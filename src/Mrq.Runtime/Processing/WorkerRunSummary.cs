namespace Mrq.Processing;

/// <summary>What a worker did: the numbers of MRQ's closing "Worker spent …" line, and why it stopped.</summary>
internal readonly record struct WorkerRunSummary(TimeSpan Elapsed, long DoneJobs)
{
    public double JobsPerSecond => Elapsed.TotalSeconds > 0 ? DoneJobs / Elapsed.TotalSeconds : 0;

    /// <summary>Why the loop ended.</summary>
    public WorkerStopReason StopReason { get; init; }

    /// <summary>
    /// True when the worker stopped only to be replaced by a fresh process (<c>max_jobs</c>, <c>max_time</c>,
    /// <c>max_memory</c>), as opposed to being done (burst found nothing) or told to stop.
    /// </summary>
    public bool WantsReplacement => StopReason is WorkerStopReason.MaxJobs or WorkerStopReason.MaxTime or WorkerStopReason.MaxMemory;

    /// <summary>MRQ's line, e.g. <c>Worker spent 0.382 seconds performing 200 jobs (523.174 jobs/second)</c>.</summary>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"Worker spent {Elapsed.TotalSeconds:F3} seconds performing {DoneJobs} jobs ({JobsPerSecond:F3} jobs/second)");
}
