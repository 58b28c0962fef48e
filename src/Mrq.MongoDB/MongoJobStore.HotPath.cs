using System.Buffers;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Mrq.MongoDB;

// The worker's hot path: enqueue, claim (FIFO), complete and insert, with the claim's find-then-update steps.
internal sealed partial class MongoJobStore
{
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
}
