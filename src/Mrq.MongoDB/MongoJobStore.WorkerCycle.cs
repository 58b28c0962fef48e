namespace Mrq.MongoDB;

/// <summary>
/// The worker's combined calls. MongoDB has no multi-document transaction on a standalone server, so each is its two
/// calls in order, outcomes first: a failure after the outcomes were written leaves them written, and the worker's retry
/// writes them again, which changes nothing (an outcome applies only while its job is still started by that worker).
/// </summary>
internal sealed partial class MongoJobStore
{
    /// <inheritdoc/>
    public async ValueTask<int> CompleteAndClaimAsync(ReadOnlyMemory<JobOutcome> outcomes, string queue, int max, string workerId, ClaimOptions options, List<ClaimedJob> into, CancellationToken cancellationToken = default)
    {
        await CompleteAsync(outcomes, cancellationToken).ConfigureAwait(false);
        return await ClaimAsync(queue, max, workerId, options, into, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAndInsertAsync(ReadOnlyMemory<JobOutcome> outcomes, ReadOnlyMemory<JobInfo> documents, CancellationToken cancellationToken = default)
    {
        await CompleteAsync(outcomes, cancellationToken).ConfigureAwait(false);
        await InsertAsync(documents, cancellationToken).ConfigureAwait(false);
    }
}
