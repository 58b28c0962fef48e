using MongoDB.Bson;
using MongoDB.Driver;
using Mrq.Storage.Queries;

namespace Mrq.MongoDB;

/// <summary>
/// The dashboard's reads (<see cref="IJobQueries"/>): pages newest first by <c>_id</c> from a cursor, counts with a
/// limit, and <c>$group</c> aggregates, all through <see cref="MongoJobQueries"/>. A page walks an index in <c>_id</c>
/// order (<see cref="MongoIndexes.Dashboard"/>: a queue, the queues of a family, a path; <c>_id</c> otherwise); when
/// the filter has conditions that index does not serve, the walk first finds the id <see cref="ScanBudget"/> entries
/// down (an index-only read) and the page reads no further, so it may be partial.
/// </summary>
internal sealed partial class MongoJobStore : IJobQueries
{
    /// <summary>The most jobs one page or count reads when its filter has conditions the walk's index does not serve.</summary>
    internal const int ScanBudget = 25_000;

    /// <summary>The most queues of a family read as one <c>$in</c> (beyond, the walk reads every job newest first).</summary>
    private const int MaxFamily = 64;

    /// <inheritdoc/>
    public async ValueTask<JobPage> FindJobsAsync(JobFilter filter, string? after, int skip, int limit, CancellationToken cancellationToken = default)
    {
        var wanted = JobQueryArguments.CheckPage(filter, skip, limit);
        var before = ParseCursor(after);
        var jobs = new List<JobInfo>();
        if (limit == 0)
        {
            return new JobPage(jobs, null, false);
        }

        Enter(cancellationToken);
        try
        {
            var walk = await PlanAsync(filter, wanted is not null, cancellationToken).ConfigureAwait(false);
            if (walk is null)
            {
                return new JobPage(jobs, null, false);
            }

            var bound = walk.Value.Covered ? null : await BoundAsync(walk.Value.Seek, before, cancellationToken).ConfigureAwait(false);
            var options = new FindOptions<BsonDocument> { Sort = MongoJobQueries.NewestFirstSort() };
            if (wanted is null)
            {
                options.Skip = skip;
                options.Limit = limit + 1;
            }

            var selection = MongoJobQueries.WithIdRange(MongoJobQueries.QueryFilter(filter), before, bound);
            using var cursor = await _jobs.FindAsync(selection, options, cancellationToken).ConfigureAwait(false);
            var skipped = 0;
            while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var document in cursor.Current)
                {
                    if (wanted is not null && (!ParamsFilter.Matches(MongoJobQueries.ReadParams(document), wanted) || skipped++ < skip))
                    {
                        continue;
                    }

                    if (jobs.Count == limit)
                    {
                        // One more match exists: the page continues after its last job.
                        return new JobPage(jobs, jobs[^1].Id.ToString(), Partial: false);
                    }

                    jobs.Add(MongoJobQueries.ReadJob(document));
                }
            }

            // The walk stopped at the bound: more jobs may match below it.
            return bound is { } stop ? new JobPage(jobs, jobs.Count == limit ? jobs[^1].Id.ToString() : stop.ToString(), Partial: jobs.Count < limit) : new JobPage(jobs, null, false);
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<JobCount> CountJobsAsync(JobFilter filter, long cap, CancellationToken cancellationToken = default)
    {
        var wanted = JobQueryArguments.CheckCount(filter, cap);
        Enter(cancellationToken);
        try
        {
            ObjectId? bound = null;
            if (wanted is not null || !HasIndexForCount(filter))
            {
                var walk = await PlanAsync(filter, wanted is not null, cancellationToken).ConfigureAwait(false);
                if (walk is null)
                {
                    return new JobCount(0, false);
                }

                bound = walk.Value.Covered ? null : await BoundAsync(walk.Value.Seek, null, cancellationToken).ConfigureAwait(false);
            }

            var selection = MongoJobQueries.WithIdRange(MongoJobQueries.QueryFilter(filter), null, bound);
            long count;
            if (wanted is null)
            {
                count = await _jobs.CountDocumentsAsync(selection, new CountOptions { Limit = cap }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                count = 0;
                var options = new FindOptions<BsonDocument> { Projection = MongoJobQueries.ParamsProjection() };
                using var cursor = await _jobs.FindAsync(selection, options, cancellationToken).ConfigureAwait(false);
                while (count < cap && await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
                {
                    count += cursor.Current.Count(d => ParamsFilter.Matches(MongoJobQueries.ReadParams(d), wanted));
                }

                count = Math.Min(count, cap);
            }

            return new JobCount(count, IsLowerBound: (count >= cap && cap > 0) || bound is not null);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// True when one of MRQ's indexes holds exactly the jobs the filter selects, so a count with a limit reads no more
    /// index entries than the cap: one field (status, path, worker, queue or a family), or queue and status (the dequeue
    /// index's prefix).
    /// </summary>
    private static bool HasIndexForCount(JobFilter filter)
    {
        var fields = (filter.Id is null ? 0 : 1) + (filter.Queue is null ? 0 : 1) + (filter.Path is null ? 0 : 1) +
            (filter.Statuses is null ? 0 : 1) + (filter.Worker is null ? 0 : 1) + (filter.RawQueue is null ? 0 : 1) +
            (filter.ExceptionType is null ? 0 : 1);
        if (filter.ExceptionType is not null || filter.RawQueue is not null)
        {
            return filter.Id is not null;
        }

        return fields <= 1 || (fields == 2 && filter.Queue is not null && filter.Statuses is not null);
    }

    /// <summary>The index-ordered part of the filter and whether it is the whole filter; null when no job can match.</summary>
    private async ValueTask<(BsonDocument Seek, bool Covered)?> PlanAsync(JobFilter filter, bool hasParams, CancellationToken cancellationToken)
    {
        List<string>? family = null;
        if (filter.Id is null && filter.Queue is { } queue && MongoJobQueries.IsFamily(queue))
        {
            using var names = await _jobs.DistinctAsync<string>(MongoFields.Queue, MongoJobQueries.FamilyFilter(queue), cancellationToken: cancellationToken).ConfigureAwait(false);
            family = await names.ToListAsync(cancellationToken).ConfigureAwait(false);
            if (family.Count == 0)
            {
                return null;
            }

            if (family.Count > MaxFamily)
            {
                family = null;
            }
        }

        var seek = MongoJobQueries.SeekFilter(filter, family);
        var covered = !hasParams && (filter.Id is not null
            ? filter with { Id = null } is { IsEmpty: true }
            : seek.ElementCount == 0 ? filter.IsEmpty : SeekOnly(filter, family is not null));
        return (seek, covered);
    }

    /// <summary>True when the filter is only the queue (or family) or only the path the seek uses.</summary>
    private static bool SeekOnly(JobFilter filter, bool family) =>
        filter.Statuses is null && filter.Worker is null && filter.ExceptionType is null && filter.RawQueue is null && filter.Params is null &&
        ((filter.Queue is not null && (family || !MongoJobQueries.IsFamily(filter.Queue)) && filter.Path is null) || (filter.Queue is null && filter.Path is not null));

    /// <summary>The id <see cref="ScanBudget"/> entries down the seek's index below <paramref name="before"/>, or null when there are fewer.</summary>
    private async ValueTask<ObjectId?> BoundAsync(BsonDocument seek, ObjectId? before, CancellationToken cancellationToken)
    {
        var options = new FindOptions<BsonDocument>
        {
            Sort = MongoJobQueries.NewestFirstSort(),
            Skip = ScanBudget - 1,
            Limit = 1,
            Projection = MongoJobQueries.IdOnlyProjection(),
        };
        using var cursor = await _jobs.FindAsync(MongoJobQueries.WithIdRange(seek, before, null), options, cancellationToken).ConfigureAwait(false);
        var last = await cursor.FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return last?[MongoFields.Id].AsObjectId;
    }

    private static ObjectId? ParseCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        return ObjectId.TryParse(cursor, out var id) ? id : throw new ArgumentException("The page cursor is not one this store returned.", nameof(cursor));
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByQueueAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync(MongoJobQueries.GroupCountPipeline(MongoFields.Queue, MongoFields.Status, null), cancellationToken, MongoJobQueries.StatusQueuePathIndex());

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByRawQueueAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync(MongoJobQueries.GroupCountPipeline(MongoFields.RawQueue, MongoFields.Status, MongoJobQueries.WithFieldFilter(MongoFields.RawQueue)), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobGroupCount>> CountByPathAndStatusAsync(CancellationToken cancellationToken = default) =>
        GroupAsync(MongoJobQueries.GroupCountPipeline(MongoFields.Path, MongoFields.Status, null), cancellationToken, MongoJobQueries.StatusQueuePathIndex());

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

    /// <summary>Runs a group-count pipeline; <paramref name="hint"/> names an index holding every field it reads, so the server reads index keys, not jobs.</summary>
    private async ValueTask<IReadOnlyList<JobGroupCount>> GroupAsync(BsonDocument[] stages, CancellationToken cancellationToken, BsonDocument? hint = null)
    {
        Enter(cancellationToken);
        try
        {
            var groups = new List<JobGroupCount>();
            var pipeline = PipelineDefinition<BsonDocument, BsonDocument>.Create(stages);
            var options = hint is null ? null : new AggregateOptions { Hint = hint };
            using var cursor = await _jobs.AggregateAsync(pipeline, options, cancellationToken).ConfigureAwait(false);
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
