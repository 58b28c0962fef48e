namespace Mrq;

/// <summary>The statuses a job goes through, with MRQ's names (see <see cref="JobStatusNames"/>).</summary>
public enum JobStatus
{
    /// <summary>Waiting in a regular queue.</summary>
    Queued = 0,
    /// <summary>Dequeued by a worker and running.</summary>
    Started = 1,
    /// <summary>Run returned; the result is stored.</summary>
    Success = 2,
    /// <summary>Run threw; the exception type and stack trace are stored.</summary>
    Failed = 3,
    /// <summary>The task asked to be retried later.</summary>
    Retry = 4,
    /// <summary>The task asked to be retried but had no retries left.</summary>
    MaxRetries = 5,
    /// <summary>The task aborted itself.</summary>
    Abort = 6,
    /// <summary>The job was cancelled.</summary>
    Cancel = 7,
    /// <summary>The worker was stopped forcibly while the job ran.</summary>
    Interrupt = 8,
    /// <summary>The job ran longer than its timeout.</summary>
    Timeout = 9,
    /// <summary>The task's concurrency limit was reached.</summary>
    MaxConcurrency = 10,
}
