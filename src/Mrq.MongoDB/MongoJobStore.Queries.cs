using MongoDB.Bson;
using MongoDB.Driver;
using Mrq.Storage.Queries;

namespace Mrq.MongoDB;

/// <summary>
/// The dashboard's reads (<see cref="IJobQueries"/>): pages newest first by <c>_id</c>, counts with a limit, and
/// <c>$group</c> aggregates, all through <see cref="MongoJobQueries"/>.
/// </summary>
internal sealed partial class MongoJobStore : IJobQueries
{
    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<JobInfo>> FindJobsAsync(JobFilter filter, int skip, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var wanted = filter.Params is null ? null : ParamsFilter.Parse(filter.Params);
        var jobs = new List<JobInfo>();
        if (limit == 0)
        {
            return jobs;
        }

        Enter(cancellationToken);
        try
        {
            var options = new FindOptions<BsonDocument> { Sort = MongoJobQueries.NewestFirstSort() };
            if (wanted is null)
            {
                options.Skip = skip;
                options.Limit = limit;
            }

            using var cursor = await _jobs.FindAsync(MongoJobQueries.QueryFilter(filter), options, cancellationToken).ConfigureAwait(false);
            var skipped = 0;
            while (jobs.Count < limit && await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var document in cursor.Current)
                {
                    if (wanted is not null && (!ParamsFilter.Matches(MongoJobQueries.ReadParams(document), wanted) || skipped++ < skip))
                    {
                        continue;
                    }

                    jobs.Add(MongoJobQueries.ReadJob(document));
                    if (jobs.Count == limit)
                    {
                        break;
                    }
                }
            }

            return jobs;
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountJobsAsync(JobFilter filter, long cap, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(cap);
        var wanted = filter.Params is null ? null : ParamsFilter.Parse(filter.Params);
        Enter(cancellationToken);
        try
        {
            var selection = MongoJobQueries.QueryFilter(filter);
            if (wanted is null)
            {
                return await _jobs.CountDocumentsAsync(selection, new CountOptions { Limit = cap }, cancellationToken).ConfigureAwait(false);
            }

            long count = 0;
            var options = new FindOptions<BsonDocument> { Projection = MongoJobQueries.ParamsProjection() };
            using var cursor = await _jobs.FindAsync(selection, options, cancellationToken).ConfigureAwait(false);
            while (count < cap && await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                count += cursor.Current.Count(d => ParamsFilter.Matches(MongoJobQueries.ReadParams(d), wanted));
            }

            return Math.Min(count, cap);
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByQueueAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync(MongoJobQueries.GroupCountPipeline(MongoFields.Queue, MongoFields.Status, null), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByRawQueueAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync(MongoJobQueries.GroupCountPipeline(MongoFields.RawQueue, MongoFields.Status, MongoJobQueries.WithFieldFilter(MongoFields.RawQueue)), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByPathAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync(MongoJobQueries.GroupCountPipeline(MongoFields.Path, MongoFields.Status, null), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountExceptionsAsync(CancellationToken cancellationToken = default) =>
        GroupAsync(MongoJobQueries.GroupCountPipeline(MongoFields.Path, MongoFields.ExceptionType, MongoJobQueries.WithFieldFilter(MongoFields.ExceptionType)), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<JobLogsChunk> ReadLogsAsync(JobId id, string? afterCursor, CancellationToken cancellationToken = default)
    {
        ObjectId? after = null;
        if (afterCursor is { Length: > 0 })
        {
            after = ObjectId.TryParse(afterCursor, out var parsed)
                ? parsed
                : throw new ArgumentException("The log cursor is not one this store returned.", nameof(afterCursor));
        }

        Enter(cancellationToken);
        try
        {
            if (_logs is null)
            {
                return new JobLogsChunk("", afterCursor);
            }

            var options = new FindOptions<BsonDocument> { Sort = MongoJobQueries.LogsSort() };
            using var cursor = await _logs.FindAsync(MongoJobQueries.LogsAfterFilter(id, after), options, cancellationToken).ConfigureAwait(false);
            var text = new System.Text.StringBuilder();
            while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var entry in cursor.Current)
                {
                    after = entry[MongoFields.Id].AsObjectId;
                    if (entry.TryGetValue(MongoFields.LogText, out var logs) && logs.IsString)
                    {
                        text.Append(logs.AsString);
                    }
                }
            }

            return new JobLogsChunk(text.ToString(), after?.ToString() ?? afterCursor);
        }
        finally
        {
            Exit();
        }
    }

    private async ValueTask<IReadOnlyList<JobGroupCount>> GroupAsync(BsonDocument[] stages, CancellationToken cancellationToken)
    {
        Enter(cancellationToken);
        try
        {
            var groups = new List<JobGroupCount>();
            var pipeline = PipelineDefinition<BsonDocument, BsonDocument>.Create(stages);
            using var cursor = await _jobs.AggregateAsync(pipeline, cancellationToken: cancellationToken).ConfigureAwait(false);
            while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var group in cursor.Current)
                {
                    var key = group[MongoFields.Id].AsBsonDocument;
                    groups.Add(new JobGroupCount(AsText(key.GetValue("k", BsonNull.Value)), AsText(key.GetValue("d", BsonNull.Value)), group["n"].ToInt64()));
                }
            }

            return groups;
        }
        finally
        {
            Exit();
        }
    }

    private static string AsText(BsonValue value) => value.IsString ? value.AsString : value.IsBsonNull ? "" : value.ToString()!;
}
