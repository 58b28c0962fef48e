namespace Mrq.Processing;

/// <summary>Why a worker's loop ended; a supervisor replaces the workers that stopped to be recycled.</summary>
internal enum WorkerStopReason
{
    /// <summary>A signal (or the supervisor) asked it to stop.</summary>
    Stopped,

    /// <summary>Burst mode found every queue empty: the work is done.</summary>
    QueuesEmpty,

    /// <summary>It ran <c>max_jobs</c> jobs.</summary>
    MaxJobs,

    /// <summary>It lived <c>max_time</c> seconds.</summary>
    MaxTime,

    /// <summary>Its memory went over <c>max_memory</c>.</summary>
    MaxMemory,
}
