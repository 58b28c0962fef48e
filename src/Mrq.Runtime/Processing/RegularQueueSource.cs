using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// A regular queue: jobs live in the job store and are claimed atomically, FIFO; MRQ's <c>&lt;queue&gt;_reverse</c>
/// claims the jobs of <c>&lt;queue&gt;</c> newest first. <paramref name="options"/> adds the task whitelist or blacklist.
/// </summary>
internal sealed class RegularQueueSource(IJobStore store, string queue, ClaimOptions? options = null) : QueueSource
{
    /// <summary>The suffix of a listen name that claims its queue newest first.</summary>
    public const string ReverseSuffix = "_reverse";

    private readonly string _queue = queue.EndsWith(ReverseSuffix, StringComparison.Ordinal) ? queue[..^ReverseSuffix.Length] : queue;

    private readonly ClaimOptions _options = (options ?? ClaimOptions.Fifo) with
    {
        NewestFirst = queue.EndsWith(ReverseSuffix, StringComparison.Ordinal) || (options?.NewestFirst ?? false),
    };

    public override bool ClaimsAhead => true;

    public override string Name => queue;

    public override string PauseName => _queue;

    /// <summary>The queue the jobs are claimed from (the name without <c>_reverse</c>).</summary>
    public string Queue => _queue;

    public override async ValueTask<int> DequeueAsync(int max, IClaimRecount? recount, string workerId, List<ClaimedJob> into, OutcomeBatch outcomes, CancellationToken cancellationToken)
    {
        var claimed = recount is not null && store is IRecountingJobQueue recounting
            ? await recounting.CompleteAndClaimAsync(outcomes.Items, _queue, max, recount, workerId, _options, into, cancellationToken).ConfigureAwait(false)
            : await store.CompleteAndClaimAsync(outcomes.Items, _queue, max, workerId, _options, into, cancellationToken).ConfigureAwait(false);
        outcomes.MarkWritten();
        return claimed;
    }
}
