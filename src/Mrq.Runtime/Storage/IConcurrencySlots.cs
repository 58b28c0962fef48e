namespace Mrq.Storage;

/// <summary>
/// Counting semaphores shared by every worker, for tasks' max concurrency across workers. A slot expires on its own, so
/// a crashed holder does not keep it.
/// </summary>
public interface IConcurrencySlots
{
    /// <summary>
    /// Takes one of <paramref name="limit"/> slots of the semaphore <paramref name="name"/> for <paramref name="holder"/>
    /// until <paramref name="expires"/> (a crashed holder's slot frees itself then). False when all slots are taken;
    /// true, still with one slot, when <paramref name="holder"/> holds one already.
    /// Used for tasks' max concurrency across workers.
    /// </summary>
    ValueTask<bool> TryAcquireSlotAsync(string name, string holder, int limit, DateTime now, DateTime expires, CancellationToken cancellationToken = default);

    /// <summary>Gives back a slot taken by <see cref="TryAcquireSlotAsync"/>.</summary>
    ValueTask ReleaseSlotAsync(string name, string holder, CancellationToken cancellationToken = default);
}
