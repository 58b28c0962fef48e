using Mrq.Storage;

namespace Mrq.Worker;

/// <summary>A regular queue: jobs live in the job store and are claimed atomically, FIFO.</summary>
internal sealed class RegularQueueSource(IJobStore store, string queue) : QueueSource
{
    public override string Name => queue;

    public override ValueTask<int> DequeueAsync(int max, string workerId, List<ClaimedJob> into, CancellationToken cancellationToken) =>
        store.ClaimAsync(queue, max, workerId, into, cancellationToken);
}
