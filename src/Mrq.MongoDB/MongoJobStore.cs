using System.Buffers;
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

    /// <inheritdoc/>
    public async ValueTask EnqueueAsync(ReadOnlyMemory<NewJob> jobs, CancellationToken cancellationToken = default)
    {
        if (jobs.IsEmpty)
        {
            return;
        }

        Enter(cancellationToken);
        try
        {
            var scratch = new ArrayBufferWriter<byte>(256);
            for (var start = 0; start < jobs.Length; start += EnqueueBatchSize)
            {
                var chunk = jobs.Slice(start, Math.Min(EnqueueBatchSize, jobs.Length - start));
                var documents = new List<BsonDocument>(chunk.Length);
                foreach (ref readonly var job in chunk.Span)
                {
                    ArgumentException.ThrowIfNullOrEmpty(job.Path, nameof(jobs));
                    ArgumentException.ThrowIfNullOrEmpty(job.Queue, nameof(jobs));
                    documents.Add(MongoJobQueries.NewJob(job, scratch));
                }

                await _jobs.InsertManyAsync(documents, s_unorderedInsert, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<int> ClaimAsync(string queue, int max, string workerId, List<ClaimedJob> into, CancellationToken cancellationToken = default)
    {
        if (!ClaimOptions.Fifo.CanClaim(queue, max, workerId, into))
        {
            return 0;
        }

        Enter(cancellationToken);
        try
        {
            for (var round = 0; round < MaxClaimRounds; round++)
            {
                var candidates = await FindCandidatesAsync(queue, max, cancellationToken).ConfigureAwait(false);
                if (candidates.Count == 0)
                {
                    return 0;
                }

                var won = await ClaimCandidatesAsync(queue, workerId, candidates, into).ConfigureAwait(false);
                if (won > 0)
                {
                    return won;
                }

                // Every candidate went to another claimer: those behind them are the next oldest.
                cancellationToken.ThrowIfCancellationRequested();
            }

            return 0;
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(ReadOnlyMemory<JobOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        if (outcomes.IsEmpty)
        {
            return;
        }

        Enter(cancellationToken);
        try
        {
            var scratch = new ArrayBufferWriter<byte>(256);
            var models = new List<WriteModel<BsonDocument>>(outcomes.Length);
            List<BsonDocument>? logs = null;
            foreach (ref readonly var outcome in outcomes.Span)
            {
                if (outcome.Document is { } document)
                {
                    models.Add(ReplaceModel(document, scratch));
                }
                else
                {
                    models.Add(new UpdateOneModel<BsonDocument>(
                        MongoJobQueries.OutcomeFilter(outcome),
                        Pipeline(MongoJobQueries.OutcomeUpdate(outcome, scratch))));
                }

                if (_logs is not null && outcome.Logs is { Length: > 0 } text)
                {
                    (logs ??= []).Add(MongoJobQueries.LogEntry(outcome.Id, text));
                }
            }

            await _jobs.BulkWriteAsync(models, s_unorderedBulk, cancellationToken).ConfigureAwait(false);
            if (logs is not null)
            {
                await _logs!.InsertManyAsync(logs, s_unorderedInsert, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask InsertAsync(ReadOnlyMemory<JobInfo> documents, CancellationToken cancellationToken = default)
    {
        if (documents.IsEmpty)
        {
            return;
        }

        Enter(cancellationToken);
        try
        {
            var scratch = new ArrayBufferWriter<byte>(256);
            var models = new List<WriteModel<BsonDocument>>(documents.Length);
            foreach (var document in documents.Span)
            {
                models.Add(ReplaceModel(document, scratch));
            }

            await _jobs.BulkWriteAsync(models, s_unorderedBulk, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<JobInfo?> GetAsync(JobId id, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        try
        {
            var options = new FindOptions<BsonDocument> { Limit = 1 };
            using var cursor = await _jobs.FindAsync(MongoJobQueries.IdFilter(id), options, cancellationToken).ConfigureAwait(false);
            var document = await cursor.FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return document is null ? null : MongoJobQueries.ReadJob(document);
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountAsync(string queue, JobStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        Enter(cancellationToken);
        try
        {
            return await _jobs.CountDocumentsAsync(MongoJobQueries.CountFilter(queue, status), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> CancelAsync(JobFilter filter, DateTime now, DateTime dateExpires, CancellationToken cancellationToken = default) =>
        UpdateSelectedAsync(filter, MongoJobQueries.CancellableStatuses, MongoJobQueries.CancelUpdate(now, dateExpires), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<long> RequeueAsync(JobFilter filter, string? destinationQueue, bool keepRetryCount, DateTime now, CancellationToken cancellationToken = default) =>
        UpdateSelectedAsync(filter, null, MongoJobQueries.RequeueUpdate(destinationQueue, keepRetryCount, now), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<long> RequeueDueRetriesAsync(DateTime now, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        try
        {
            var result = await _jobs.UpdateManyAsync(MongoJobQueries.DueRetriesFilter(now), MongoJobQueries.DueRetriesUpdate(now), cancellationToken: cancellationToken).ConfigureAwait(false);
            return result.MatchedCount;
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Without a logs collection, one <c>deleteMany</c>. With one, batches of <see cref="IdBatchSize"/>: find expired ids,
    /// delete their logs, then delete those jobs if still expired. The TTL index deletes expired jobs by itself too
    /// (without their logs, which the capped collection ages out), so this mostly matters without it.
    /// </remarks>
    public async ValueTask<long> PurgeExpiredAsync(DateTime now, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        try
        {
            var expired = MongoJobQueries.ExpiredFilter(now);
            if (_logs is null)
            {
                var result = await _jobs.DeleteManyAsync(expired, cancellationToken).ConfigureAwait(false);
                return result.DeletedCount;
            }

            long total = 0;
            while (true)
            {
                var ids = await FindIdsAsync(expired, null, IdBatchSize, cancellationToken).ConfigureAwait(false);
                if (ids.Count == 0)
                {
                    return total;
                }

                await _logs.DeleteManyAsync(MongoJobQueries.LogsOfJobsFilter(ids), cancellationToken).ConfigureAwait(false);
                var deleted = (await _jobs.DeleteManyAsync(MongoJobQueries.IdsFilter(ids, expired), cancellationToken).ConfigureAwait(false)).DeletedCount;
                total += deleted;
                if (ids.Count < IdBatchSize || deleted == 0)
                {
                    return total;
                }
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<JobId>> FindLostClaimsAsync(IReadOnlyList<JobId> ids, string workerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(workerId);
        if (ids.Count == 0)
        {
            return [];
        }

        Enter(cancellationToken);
        try
        {
            var stillOurs = new HashSet<JobId>();
            var filter = MongoJobQueries.StillClaimedFilter(MongoJobQueries.ToBsonIds(ids), workerId);
            foreach (var id in await FindIdsAsync(filter, null, 0, cancellationToken).ConfigureAwait(false))
            {
                stillOurs.Add(MongoJobQueries.ToJobId(id));
            }

            var lost = new List<JobId>();
            foreach (var id in ids)
            {
                if (!stillOurs.Contains(id))
                {
                    lost.Add(id);
                }
            }

            return lost;
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask SetProgressAsync(JobId id, double progress, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        try
        {
            await _jobs.UpdateOneAsync(MongoJobQueries.IdFilter(id), MongoJobQueries.ProgressUpdate(progress), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<string> GetLogsAsync(JobId id, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        try
        {
            if (_logs is null)
            {
                return "";
            }

            var options = new FindOptions<BsonDocument> { Sort = MongoJobQueries.LogsSort() };
            using var cursor = await _logs.FindAsync(MongoJobQueries.LogsOfJobFilter(id), options, cancellationToken).ConfigureAwait(false);
            var text = new System.Text.StringBuilder();
            while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var entry in cursor.Current)
                {
                    if (entry.TryGetValue(MongoFields.LogText, out var logs) && logs.IsString)
                    {
                        text.Append(logs.AsString);
                    }
                }
            }

            return text.ToString();
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

    private static ReplaceOneModel<BsonDocument> ReplaceModel(JobInfo document, ArrayBufferWriter<byte> scratch) =>
        new(MongoJobQueries.IdFilter(document.Id), MongoJobQueries.JobDocument(document, scratch)) { IsUpsert = true };

    private Task<List<BsonValue>> FindCandidatesAsync(string queue, int max, CancellationToken cancellationToken) =>
        FindIdsAsync(MongoJobQueries.QueuedFilter(queue), MongoJobQueries.FifoSort(), max, cancellationToken);

    /// <summary>The <c>_id</c>s of the documents <paramref name="filter"/> matches (all of them when <paramref name="limit"/> is 0).</summary>
    private async Task<List<BsonValue>> FindIdsAsync(BsonDocument filter, BsonDocument? sort, int limit, CancellationToken cancellationToken)
    {
        var options = new FindOptions<BsonDocument>
        {
            Projection = MongoJobQueries.IdOnlyProjection(),
            Sort = sort,
            Limit = limit > 0 ? limit : null,
            BatchSize = limit > 0 ? limit : null,
        };
        var ids = new List<BsonValue>(Math.Max(limit, 4));
        using var cursor = await _jobs.FindAsync(filter, options, cancellationToken).ConfigureAwait(false);
        while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var document in cursor.Current)
            {
                ids.Add(document[MongoFields.Id]);
            }
        }

        return ids;
    }

    /// <summary>Claim steps 2 and 3 (see the class remarks). Not cancellable once started: its writes are never left half-done.</summary>
    private async Task<int> ClaimCandidatesAsync(string queue, string workerId, List<BsonValue> candidates, List<ClaimedJob> into)
    {
        var token = ObjectId.GenerateNewId();
        var now = MongoDates.Floor(DateTime.UtcNow);
        var first = into.Count;
        try
        {
            var update = await _jobs.UpdateManyAsync(
                MongoJobQueries.ClaimFilter(candidates),
                MongoJobQueries.ClaimUpdate(workerId, token, now),
                cancellationToken: CancellationToken.None).ConfigureAwait(false);
            if (update.ModifiedCount == 0)
            {
                return 0;
            }

            var options = new FindOptions<BsonDocument>
            {
                Sort = MongoJobQueries.FifoSort(),
                Projection = MongoJobQueries.ClaimedProjection(),
                BatchSize = candidates.Count,
            };
            using var cursor = await _jobs.FindAsync(MongoJobQueries.ClaimedFilter(candidates, token), options, CancellationToken.None).ConfigureAwait(false);
            while (await cursor.MoveNextAsync(CancellationToken.None).ConfigureAwait(false))
            {
                foreach (var document in cursor.Current)
                {
                    into.Add(MongoJobQueries.ReadClaimed(document, queue, now));
                }
            }

            return into.Count - first;
        }
        catch (Exception)
        {
            into.RemoveRange(first, into.Count - first);
            await RollbackClaimAsync(candidates, token).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RollbackClaimAsync(List<BsonValue> candidates, ObjectId token)
    {
        try
        {
            await _jobs.UpdateManyAsync(
                MongoJobQueries.ClaimRollbackFilter(candidates, token),
                MongoJobQueries.ClaimRollbackUpdate(),
                cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            // The server is unreachable: the jobs stay started under this token until started jobs are requeued.
        }
    }

    private async ValueTask<long> UpdateSelectedAsync(JobFilter filter, IReadOnlyList<JobStatus>? allowedStatuses, BsonDocument update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var selection = MongoJobQueries.SelectionFilter(filter, allowedStatuses);
        if (selection is null)
        {
            return 0;
        }

        // Parse the params criterion before touching anything, so a bad one changes nothing.
        var wanted = filter.Params is { } json ? ParamsFilter.Parse(json) : null;
        Enter(cancellationToken);
        try
        {
            if (wanted is null)
            {
                var result = await _jobs.UpdateManyAsync(selection, update, cancellationToken: cancellationToken).ConfigureAwait(false);
                return result.MatchedCount;
            }

            // Params are compared as JSON values on the client, exactly as the embedded store does, then updated by id
            // with the selection repeated (a job that changed meanwhile is left alone).
            var matching = new List<BsonValue>();
            var options = new FindOptions<BsonDocument> { Projection = MongoJobQueries.ParamsProjection() };
            using (var cursor = await _jobs.FindAsync(selection, options, cancellationToken).ConfigureAwait(false))
            {
                while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
                {
                    foreach (var document in cursor.Current)
                    {
                        if (ParamsFilter.Matches(MongoJobQueries.ReadParams(document), wanted))
                        {
                            matching.Add(document[MongoFields.Id]);
                        }
                    }
                }
            }

            long total = 0;
            for (var start = 0; start < matching.Count; start += IdBatchSize)
            {
                var batch = matching.GetRange(start, Math.Min(IdBatchSize, matching.Count - start));
                var result = await _jobs.UpdateManyAsync(MongoJobQueries.IdsFilter(batch, selection), update, cancellationToken: cancellationToken).ConfigureAwait(false);
                total += result.MatchedCount;
            }

            return total;
        }
        finally
        {
            Exit();
        }
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
