using MongoDB.Bson;
using MongoDB.Driver;

namespace Mrq.MongoDB;

/// <summary>
/// The MongoDB job store: MRQ's <c>mrq_jobs</c> collection with MRQ's field names (reference §3.1), so MRQ's tools and
/// dashboard can read what Mrq writes. Every request is built by <see cref="MongoJobQueries"/> as plain BSON (no class
/// maps, no LINQ provider), which keeps the adapter native-AOT compatible.
/// </summary>
/// <remarks>
/// <para><b>Claim</b> (up to N jobs in three round trips, whatever N):</para>
/// <list type="number">
/// <item>find the ids of up to N queued jobs of the queue in FIFO order (<c>datequeued</c>, <c>_id</c>; covered by the
/// dequeue index);</item>
/// <item><c>updateMany({_id: {$in: ids}, status: "queued"}, {$set: {status: "started", worker, claim: token,
/// datestarted}, $unset: {dateexpires}})</c> with a token (a fresh ObjectId) that no other claim ever uses;</item>
/// <item>read back, in FIFO order, the candidates that carry the token and are still started: exactly the jobs this
/// claim won.</item>
/// </list>
/// <para>No job can be handed to two claimers: MongoDB applies an update to each document atomically and evaluates
/// the filter on the document as it is at that moment (a concurrent write to the same document makes the server
/// re-evaluate or retry it), so of all the claims whose step 2 names a job, only the first one to reach it sees
/// <c>status: "queued"</c>; every later one no longer matches and leaves the job (and its token) alone. A job therefore
/// carries the token of the one claim that started it, and step 3 returns it to that claim only. Candidates lost to
/// another claimer are simply not returned; when a claim wins nothing although candidates existed, it tries again with
/// fresh candidates (at most <see cref="MaxClaimRounds"/> times). If step 2 or 3 fails, the claim puts the jobs that
/// carry its token back to <c>queued</c> (best effort) before rethrowing.</para>
/// <para><b>Writes</b>: enqueue is an unordered <c>insertMany</c> per <see cref="EnqueueBatchSize"/> jobs (not atomic:
/// when one insert fails, the others of the batch may stay); <see cref="CompleteAsync"/> is one unordered
/// <c>bulkWrite</c> per call (group commit), each outcome one atomic pipeline update (see
/// <see cref="MongoJobQueries.OutcomeUpdate"/>) or a replacing upsert for whole documents, plus one
/// <c>insertMany</c> into <c>mrq_logs</c> when outcomes carry log lines. Reads use the primary, and writes are at least
/// acknowledged whatever the URI says (a claim needs to know what it changed). Update pipelines need MongoDB 4.2 or
/// later.</para>
/// <para><b>Params and results</b> are stored as BSON (<see cref="MessagePackBson"/>); the original MessagePack bytes
/// go in <c>params_msgpack</c> / <c>result_msgpack</c> only when the BSON would not give them back byte for byte.</para>
/// </remarks>
internal sealed partial class MongoJobStore : IJobStore
{
    /// <summary>How many jobs one <c>insertMany</c> of an enqueue carries at most.</summary>
    public const int EnqueueBatchSize = 10_000;

    /// <summary>How many times a claim that won none of its candidates looks for fresh ones before reporting none.</summary>
    public const int MaxClaimRounds = 8;

    /// <summary>How many ids one request of a bulk action (params-filtered actions, purge) names at most.</summary>
    public const int IdBatchSize = 10_000;

    private static readonly InsertManyOptions s_unorderedInsert = new() { IsOrdered = false };
    private static readonly BulkWriteOptions s_unorderedBulk = new() { IsOrdered = false };

    private readonly MongoClient _client;
    private readonly MongoClient? _logsClient;
    private readonly IMongoCollection<BsonDocument> _jobs;
    private readonly IMongoCollection<BsonDocument>? _logs;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _users = 1;
    private int _disposed;

    private MongoJobStore(MongoStoreOptions options)
    {
        Options = options;
        _client = new MongoClient(ClientSettings(options.Jobs, options.ConnectTimeout));
        try
        {
            Database = _client.GetDatabase(options.JobsDatabase);
            _jobs = Configure(Database.GetCollection<BsonDocument>(MongoFields.JobsCollection));
            switch (options.Logs.Mode)
            {
                case MongoLogsMode.SameAsJobs:
                    LogsDatabase = Database;
                    break;
                case MongoLogsMode.Separate:
                    _logsClient = new MongoClient(ClientSettings(options.Logs.Url!, options.ConnectTimeout));
                    LogsDatabase = _logsClient.GetDatabase(options.LogsDatabase ?? MongoUri.DatabaseName(options.Logs.Url!));
                    break;
            }

            if (LogsDatabase is not null)
            {
                _logs = Configure(LogsDatabase.GetCollection<BsonDocument>(MongoFields.LogsCollection));
            }
        }
        catch
        {
            _client.Dispose();
            _logsClient?.Dispose();
            throw;
        }
    }

    /// <summary>The options the store was opened with.</summary>
    public MongoStoreOptions Options { get; }

    /// <summary>The jobs database.</summary>
    public IMongoDatabase Database { get; }

    /// <summary>The <c>mrq_jobs</c> collection as the store uses it (primary reads, acknowledged writes).</summary>
    internal IMongoCollection<BsonDocument> Jobs => _jobs;

    /// <summary>The <c>mrq_logs</c> collection, or null when logs are disabled.</summary>
    internal IMongoCollection<BsonDocument>? Logs => _logs;

    /// <summary>The logs database (the jobs database with <c>mongodb_logs=1</c>), or null when logs are disabled.</summary>
    public IMongoDatabase? LogsDatabase { get; }

    /// <summary>
    /// Creates the store's clients (no I/O: the driver connects on first use). Call <see cref="EnsureIndexesAsync"/>
    /// (or use <see cref="OpenAsync"/>) to create the indexes.
    /// </summary>
    public static MongoJobStore Open(MongoStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!MongoUri.IsValidDatabaseName(options.JobsDatabase, out var why))
        {
            throw new ArgumentException($"The jobs database name '{options.JobsDatabase}' {why}.", nameof(options));
        }

        return new MongoJobStore(options);
    }

    /// <summary>Opens the store and, when <see cref="MongoStoreOptions.EnsureIndexes"/> is set, creates MRQ's indexes.</summary>
    public static async Task<MongoJobStore> OpenAsync(MongoStoreOptions options, CancellationToken cancellationToken = default)
    {
        var store = Open(options);
        try
        {
            if (options.EnsureIndexes)
            {
                await store.EnsureIndexesAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (options.ConnectTimeout is not null)
            {
                // The driver connects lazily: ask once, so an unreachable server is reported at start, not mid-run.
                await store.Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return store;
        }
        catch (Exception e) when (e is TimeoutException or MongoException)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            var uri = MongoUri.Mask(options.Jobs.ToString());
            var reason = e is TimeoutException && options.ConnectTimeout is { } waited
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"no server answered within connect_timeout = {waited.TotalSeconds:0.###} s")
                : Infrastructure.OneLine.Of(e.Message);
            throw new MrqStoreUnavailableException(uri, $"MongoDB at {uri} is unreachable: {reason}", e);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates MRQ's indexes on <c>mrq_jobs</c> and, when logs are stored, the capped <c>mrq_logs</c> and its indexes. Idempotent.</summary>
    public async Task EnsureIndexesAsync(CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        try
        {
            await MongoIndexes.EnsureJobsAsync(Database, cancellationToken).ConfigureAwait(false);
            if (LogsDatabase is not null)
            {
                await MongoIndexes.EnsureLogsAsync(LogsDatabase, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Waits for calls in flight, then closes the clients (their connection pools). Later calls throw
    /// <see cref="ObjectDisposedException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Exit();
        await _drained.Task.ConfigureAwait(false);
        _client.Dispose();
        _logsClient?.Dispose();
    }

    private static MongoClientSettings ClientSettings(MongoUrl url, TimeSpan? connectTimeout)
    {
        var settings = MongoClientSettings.FromUrl(url);
        settings.ApplicationName ??= "mrq";
        if (connectTimeout is { } timeout)
        {
            settings.ServerSelectionTimeout = timeout;
            settings.ConnectTimeout = timeout;
        }

        return settings;
    }

    // Claims must read what they just wrote, and know what they changed: primary reads, acknowledged writes.
    private static IMongoCollection<BsonDocument> Configure(IMongoCollection<BsonDocument> collection)
    {
        collection = collection.WithReadPreference(ReadPreference.Primary);
        return collection.Settings.WriteConcern.IsAcknowledged ? collection : collection.WithWriteConcern(WriteConcern.W1);
    }

    /// <summary>An update pipeline as the driver sends it (tests render it back).</summary>
    internal static UpdateDefinition<BsonDocument> Pipeline(BsonArray stages)
    {
        var list = new List<BsonDocument>(stages.Count);
        foreach (var stage in stages)
        {
            list.Add(stage.AsBsonDocument);
        }

        return new PipelineUpdateDefinition<BsonDocument>(PipelineDefinition<BsonDocument, BsonDocument>.Create(list));
    }

    private void Enter(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _users);
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Disposal began between the check and the increment: do not touch the clients it is about to close.
            Exit();
            throw new ObjectDisposedException(GetType().FullName);
        }
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
