using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>One queue a worker listens to: hands out up to N jobs, already marked started, in one round trip.</summary>
internal abstract class QueueSource
{
    /// <summary>The queue's name as given on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Whether the loop may claim jobs of this queue ahead of its free greenlets (<see cref="ClaimAhead"/>): only where a
    /// claimed job is in the store as <c>started</c>, which a crash recovers. A job popped from a raw queue exists only
    /// in the worker until it is stored, so raw queues take no more than there are free greenlets.
    /// </summary>
    public virtual bool ClaimsAhead => false;

    /// <summary>The name a pause applies to (a <c>_reverse</c> queue is paused with its queue).</summary>
    public virtual string PauseName => Name;

    /// <summary>
    /// Takes up to <paramref name="max"/> jobs and appends them to <paramref name="into"/>; returns how many. A source
    /// whose store call can carry <paramref name="outcomes"/> writes them in that call (before its claim, in the same
    /// transaction where the store has them) and marks them written; otherwise it leaves them to the worker loop. A
    /// source whose store waits before claiming may take <paramref name="recount"/>'s count instead, counted once the
    /// store can claim (never fewer than <paramref name="max"/>).
    /// </summary>
    public abstract ValueTask<int> DequeueAsync(int max, IClaimRecount? recount, string workerId, List<ClaimedJob> into, OutcomeBatch outcomes, CancellationToken cancellationToken);

    /// <summary>
    /// Until when the queue takes no jobs although it may hold some (its <c>rate_limit</c> is used up for the current
    /// window); null when it takes what it has. The worker loop waits rather than taking the queue for empty.
    /// </summary>
    public virtual DateTime? LimitedUntil => null;

    /// <summary>The worker has stopped: puts back anything taken from the queue but not yet handed out.</summary>
    public virtual ValueTask ReleaseAsync() => default;
}
