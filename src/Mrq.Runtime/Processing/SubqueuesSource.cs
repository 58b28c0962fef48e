using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// A regular listen name ending in <c>/</c> (MRQ's subqueues): <c>main/</c> takes jobs from every known queue whose
/// name starts with <c>main/</c> (<c>main/a</c>, <c>main/a/b</c>; not <c>main</c>, <c>main_x</c> nor <c>/main</c>).
/// Known queues are those of stored jobs, looked up at start and again every <c>subqueues_refresh_interval</c>
/// seconds (0: never again). Each pass starts at the next subqueue, so no subqueue starves the others.
/// </summary>
internal sealed class SubqueuesSource(IJobStore store, string prefix, ClaimOptions options, TimeSpan refreshInterval) : QueueSource
{
    private IReadOnlyList<RegularQueueSource> _subqueues = [];
    private DateTime _refreshed = DateTime.MinValue;
    private int _offset;

    public override bool ClaimsAhead => true;

    public override string Name => prefix;

    public override async ValueTask<int> DequeueAsync(int max, IClaimRecount? recount, string workerId, List<ClaimedJob> into, OutcomeBatch outcomes, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        if (_refreshed == DateTime.MinValue || (refreshInterval > TimeSpan.Zero && now - _refreshed >= refreshInterval))
        {
            _refreshed = now;
            var known = await store.GetQueuesAsync(prefix, cancellationToken).ConfigureAwait(false);
            _subqueues = [.. known.Select(q => new RegularQueueSource(store, q, options))];
        }

        var subqueues = _subqueues;
        var taken = 0;
        for (var i = 0; i < subqueues.Count && taken < max; i++)
        {
            taken += await subqueues[(i + _offset) % subqueues.Count].DequeueAsync(max - taken, null, workerId, into, outcomes, cancellationToken).ConfigureAwait(false);
        }

        _offset = subqueues.Count > 0 ? (_offset + 1) % subqueues.Count : 0;
        return taken;
    }
}
