namespace Mrq.Worker;

/// <summary>What a worker did: the numbers of MRQ's closing "Worker spent …" line.</summary>
internal readonly record struct WorkerRunSummary(TimeSpan Elapsed, long DoneJobs)
{
    public double JobsPerSecond => Elapsed.TotalSeconds > 0 ? DoneJobs / Elapsed.TotalSeconds : 0;

    /// <summary>MRQ's line, e.g. <c>Worker spent 0.382 seconds performing 200 jobs (523.174 jobs/second)</c>.</summary>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"Worker spent {Elapsed.TotalSeconds:F3} seconds performing {DoneJobs} jobs ({JobsPerSecond:F3} jobs/second)");
}
