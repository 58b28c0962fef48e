using Mrq.Storage.Queries;

namespace Mrq.Storage;

/// <summary>
/// The durable job store port, all roles together: regular queues and every job's document. Adapters: the embedded
/// SQLite file (<see cref="Sqlite.SqliteJobStore"/>) and MongoDB (package Mrq.MongoDB); another adapter implements this
/// interface and registers itself with a <c>Mrq.Configuration.JobStoreAdapter</c> (see docs/adapters.md in the repository).
/// </summary>
/// <remarks>
/// Code that needs one role depends on that role: <see cref="IJobQueue"/> (enqueue, claim, complete),
/// <see cref="IJobActions"/> (get, cancel, requeue, progress, logs), <see cref="IJobQueries"/> (the dashboard's pages,
/// counts and aggregates), <see cref="IJobMaintenance"/> (retries, purge, lost claims, recovery),
/// <see cref="IWorkerRegistry"/> (worker reports) and <see cref="IScheduleStore"/> (the scheduler's state). Disposing
/// the store closes its connections; a store is used by many threads at once.
/// </remarks>
public interface IJobStore : IJobQueue, IJobActions, IJobQueries, IJobMaintenance, IWorkerRegistry, IScheduleStore, IAsyncDisposable
{
}
