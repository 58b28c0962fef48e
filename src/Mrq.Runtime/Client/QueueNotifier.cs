using Mrq.Configuration;
using Mrq.Storage;

namespace Mrq;

/// <summary>
/// Wakes the idle workers of regular queues that just got jobs (enqueued, requeued, handed back by a busy worker),
/// once per root: through the job store when it carries wake-ups itself (<see cref="IJobStoreWakeups"/>), else through
/// the broker; never for the queues configured with <c>notify: false</c> (<see cref="QueuesConfig"/>). Best effort:
/// the jobs are in the store already, and a worker that misses the wake-up finds them at its next poll.
/// </summary>
internal sealed class QueueNotifier(Func<IJobStore> store, Func<IQueueBroker?> broker, Func<IReadOnlySet<string>> quietQueues)
{
    /// <summary>
    /// Whether jobs requeued in the store need <see cref="NotifyAsync"/>: not when the store wakes their workers itself
    /// once its requeue commits (<see cref="IJobStoreWakeups"/>), which also reaches queues the caller cannot name.
    /// </summary>
    public bool AnnouncesRequeues => store() is not IJobStoreWakeups;

    /// <summary>Wakes the workers of <paramref name="queues"/> (repeats and subqueues of one root wake it once).</summary>
    public async ValueTask NotifyAsync(IReadOnlyCollection<string> queues, CancellationToken cancellationToken)
    {
        if (queues.Count == 0)
        {
            return;
        }

        var quiet = quietQueues();
        var roots = queues.Count == 1
            ? QueuesConfig.Notifies(quiet, queues.First()) ? [PausedQueues.Root(queues.First())] : []
            : queues.Where(q => QueuesConfig.Notifies(quiet, q)).Select(PausedQueues.Root).Distinct(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            try
            {
                if (store() is IJobStoreWakeups wakeups)
                {
                    await wakeups.NotifyAsync(root, cancellationToken).ConfigureAwait(false);
                }
                else if (broker() is { } queueBroker)
                {
                    await queueBroker.NotifyAsync(root, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Lossy by design (see IQueueBroker.NotifyAsync).
            }
        }
    }
}
