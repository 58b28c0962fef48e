namespace Mrq.Storage;

/// <summary>
/// A job store whose claim may wait for a lock that another process holds (the embedded file's write lock): it asks how
/// many jobs to claim once it holds the lock, so that the slots freed by jobs that ended during the wait are filled by
/// the same transaction instead of the next one.
/// </summary>
internal interface IRecountingJobQueue
{
    /// <summary>
    /// <see cref="IJobQueue.CompleteAndClaimAsync"/>, claiming <paramref name="recount"/>'s count (at least
    /// <paramref name="max"/>) as counted inside the transaction.
    /// </summary>
    ValueTask<int> CompleteAndClaimAsync(ReadOnlyMemory<JobOutcome> outcomes, string queue, int max, IClaimRecount recount, string workerId, ClaimOptions options, List<ClaimedJob> into, CancellationToken cancellationToken = default);
}
