using MongoDB.Bson;
using MongoDB.Driver;
using F = Mrq.MongoDB.MongoFields;

namespace Mrq.MongoDB;

/// <summary>One index: its collection, key pattern and options, as data (tests compare these with MRQ's list).</summary>
internal sealed record MongoIndexDefinition(string Collection, BsonDocument Keys, bool Sparse = false, int? ExpireAfterSeconds = null, bool Unique = false)
{
    /// <summary>
    /// MongoDB's default name for the key pattern (<c>field_1_field2_1</c>), which is also what pymongo gives MRQ's
    /// indexes, so creating them on a database MRQ already indexed is a no-op.
    /// </summary>
    public string Name => string.Join('_', Keys.Select(static k => $"{k.Name}_{k.Value}"));

    /// <summary>The entry of a <c>createIndexes</c> command. <c>background</c> is what MRQ asks for (ignored since MongoDB 4.2).</summary>
    public BsonDocument ToSpecification()
    {
        var specification = new BsonDocument
        {
            { "key", Keys.DeepClone() },
            { "name", Name },
            { "background", true },
        };
        if (Sparse)
        {
            specification.Add("sparse", true);
        }

        if (Unique)
        {
            specification.Add("unique", true);
        }

        if (ExpireAfterSeconds is { } seconds)
        {
            specification.Add("expireAfterSeconds", seconds);
        }

        return specification;
    }
}

/// <summary>
/// The indexes of MRQ's <c>EnsureIndexes</c> (reference §3.2) for the collections the job store uses, created
/// idempotently at start with <c>--ensure_indexes</c>: one <c>createIndexes</c> command per collection, which the server
/// skips for indexes that already exist with the same options.
/// </summary>
internal static class MongoIndexes
{
    /// <summary>The capped size of a new <c>mrq_logs</c> collection (MRQ's <c>mongodb_logs_size</c> default, 16 MiB).</summary>
    public const long LogsCappedSize = 16 * 1024 * 1024;

    /// <summary>The server's error code for "collection already exists".</summary>
    private const int NamespaceExists = 48;

    /// <summary><c>mrq_jobs</c>: MRQ's nine indexes, the dequeue index <c>(queue, status, datequeued, _id)</c> and the TTL index among them.</summary>
    public static IReadOnlyList<MongoIndexDefinition> Jobs { get; } =
    [
        new(F.JobsCollection, new BsonDocument(F.Status, 1)),
        new(F.JobsCollection, new BsonDocument(F.Path, 1)),
        new(F.JobsCollection, new BsonDocument(F.Worker, 1), Sparse: true),
        new(F.JobsCollection, new BsonDocument(F.Queue, 1)),
        new(F.JobsCollection, new BsonDocument(F.DateExpires, 1), Sparse: true, ExpireAfterSeconds: 0),
        new(F.JobsCollection, new BsonDocument(F.DateRetry, 1), Sparse: true),
        new(F.JobsCollection, new BsonDocument(F.DateQueued, 1)),
        new(F.JobsCollection, new BsonDocument { { F.Queue, 1 }, { F.Status, 1 }, { F.DateQueued, 1 }, { F.Id, 1 } }),
        new(F.JobsCollection, new BsonDocument { { F.Status, 1 }, { F.Queue, 1 }, { F.Path, 1 } }),
    ];

    /// <summary>
    /// <c>mrq_jobs</c>, for the dashboard (not MRQ's): a queue's and a task path's jobs in <c>_id</c> order, so a page of
    /// them reads the page's entries instead of sorting every match. Neither key changes when a job is claimed or
    /// finishes, so the worker's updates leave them alone; only inserts (and a requeue to another queue) write them.
    /// </summary>
    public static IReadOnlyList<MongoIndexDefinition> Dashboard { get; } =
    [
        new(F.JobsCollection, new BsonDocument { { F.Queue, 1 }, { F.Id, -1 } }),
        new(F.JobsCollection, new BsonDocument { { F.Path, 1 }, { F.Id, -1 } }),
    ];

    /// <summary><c>mrq_logs</c>: by job, and by worker (sparse).</summary>
    public static IReadOnlyList<MongoIndexDefinition> Logs { get; } =
    [
        new(F.LogsCollection, new BsonDocument(F.LogJob, 1)),
        new(F.LogsCollection, new BsonDocument(F.Worker, 1), Sparse: true),
    ];

    /// <summary>
    /// <c>mrq_workers</c>: by status, and <c>datereported</c> with MRQ's one-hour TTL (a dead worker's report vanishes,
    /// which recovery also reads as "dead").
    /// </summary>
    public static IReadOnlyList<MongoIndexDefinition> Workers { get; } =
    [
        new(MongoJobStore.WorkersCollection, new BsonDocument(F.Status, 1)),
        new(MongoJobStore.WorkersCollection, new BsonDocument("datereported", 1), ExpireAfterSeconds: 3600),
    ];

    /// <summary><c>mrq_scheduled_jobs</c>: one document per schedule <c>hash</c> (unique).</summary>
    public static IReadOnlyList<MongoIndexDefinition> ScheduledJobs { get; } =
    [
        new(MongoJobStore.ScheduledJobsCollection, new BsonDocument("hash", 1), Unique: true),
    ];

    /// <summary>The <c>createIndexes</c> command for <paramref name="indexes"/>, all of one collection.</summary>
    public static BsonDocument CreateIndexesCommand(IReadOnlyList<MongoIndexDefinition> indexes)
    {
        if (indexes.Count == 0 || indexes.Any(i => i.Collection != indexes[0].Collection))
        {
            throw new ArgumentException("Indexes of exactly one collection are expected.", nameof(indexes));
        }

        return new BsonDocument
        {
            { "createIndexes", indexes[0].Collection },
            { "indexes", new BsonArray(indexes.Select(static i => i.ToSpecification())) },
        };
    }

    /// <summary>The command creating the capped <c>mrq_logs</c> collection, as MRQ does when it is missing.</summary>
    public static BsonDocument CreateLogsCollectionCommand() => new()
    {
        { "create", F.LogsCollection },
        { "capped", true },
        { "size", LogsCappedSize },
    };

    /// <summary>Creates the jobs indexes, MRQ's and the dashboard's (idempotent).</summary>
    public static async Task EnsureJobsAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        await database.RunCommandAsync<BsonDocument>(CreateIndexesCommand(Jobs), cancellationToken: cancellationToken).ConfigureAwait(false);
        await database.RunCommandAsync<BsonDocument>(CreateIndexesCommand(Dashboard), cancellationToken: cancellationToken).ConfigureAwait(false);
        await database.RunCommandAsync<BsonDocument>(CreateIndexesCommand(Workers), cancellationToken: cancellationToken).ConfigureAwait(false);
        await database.RunCommandAsync<BsonDocument>(CreateIndexesCommand(ScheduledJobs), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the capped logs collection when it is missing, and its indexes (idempotent).</summary>
    public static async Task EnsureLogsAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        try
        {
            await database.RunCommandAsync<BsonDocument>(CreateLogsCollectionCommand(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException e) when (e.Code == NamespaceExists)
        {
            // Already there (capped or not, as the operator made it): keep it.
        }

        await database.RunCommandAsync<BsonDocument>(CreateIndexesCommand(Logs), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
