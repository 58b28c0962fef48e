using MongoDB.Bson;
using MongoDB.Driver;

namespace Mrq.MongoDB;

// Single-job reads and counts, cancel and requeue by filter, retries, purges, lost claims, progress and logs.
internal sealed partial class MongoJobStore
{
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

    private async ValueTask<long> UpdateSelectedAsync(JobFilter filter, IReadOnlyList<JobStatus>? allowedStatuses, BsonDocument update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var selection = MongoJobQueries.SelectionFilter(filter, allowedStatuses);
        if (selection is null)
        {
            return 0;
        }

        // Parse the params criterion before touching anything, so a bad one changes nothing.
        var wanted = ParamsFilter.Of(filter);
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
}
