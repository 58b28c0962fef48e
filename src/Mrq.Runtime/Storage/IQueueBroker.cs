using Mrq.Storage.Queries;

namespace Mrq.Storage;

/// <summary>
/// The raw-queue broker port, all roles together. Adapters: Redis (MRQ's key layout, package Mrq.Redis) and the embedded
/// SQLite file with the same semantics (<see cref="SqliteBroker.SqliteQueueBroker"/>); another adapter implements this
/// interface and registers itself with a <c>Mrq.Configuration.QueueBrokerAdapter</c> (see docs/adapters.md in the
/// repository).
/// </summary>
/// <remarks>
/// Code that needs one role depends on that role: <see cref="IRawQueues"/> (raw params), <see cref="IConcurrencySlots"/>
/// (tasks' max concurrency), <see cref="IRateLimits"/> (tasks' rate limits), <see cref="IQueuePauses"/> (paused queues), <see cref="IQueueNotifications"/> (wake-ups)
/// and <see cref="IRawQueueListing"/> (the dashboard's list of raw queues). Disposing the broker closes its connections;
/// a broker is used by many threads at once.
/// </remarks>
public interface IQueueBroker : IRawQueues, IConcurrencySlots, IRateLimits, IQueuePauses, IQueueNotifications, IRawQueueListing, IAsyncDisposable
{
}
