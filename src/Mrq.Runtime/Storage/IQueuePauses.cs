namespace Mrq.Storage;

/// <summary>
/// The set of paused queues (regular or raw) that every worker reads before dequeuing, with MRQ's rules
/// (<see cref="PausedQueues"/>).
/// </summary>
public interface IQueuePauses
{
    /// <summary>
    /// Adds a queue (regular or raw) to the paused set (Redis: MRQ's <c>&lt;prefix&gt;:s:paused</c>), stored as
    /// <see cref="PausedQueues.Member"/> says: <c>x/</c> pauses <c>x</c>. Workers skip paused queues.
    /// </summary>
    ValueTask PauseQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Removes a queue from the paused set (<c>x/</c> resumes <c>x</c> and with it its subqueues).</summary>
    ValueTask ResumeQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>The paused set, in ordinal order.</summary>
    ValueTask<IReadOnlyList<string>> GetPausedQueuesAsync(CancellationToken cancellationToken = default);
}
