using MongoDB.Bson;
using MongoDB.Driver;

namespace Mrq.MongoDB;

// The scheduler's entries in MRQ's mrq_scheduled_jobs collection (unique hash index: MongoIndexes).
internal sealed partial class MongoJobStore
{
    /// <summary>MRQ's scheduler collection.</summary>
    public const string ScheduledJobsCollection = "mrq_scheduled_jobs";

    private IMongoCollection<BsonDocument> ScheduledJobs => Database.GetCollection<BsonDocument>(ScheduledJobsCollection).WithReadPreference(ReadPreference.Primary);

    /// <inheritdoc/>
    /// <remarks>Not one transaction on MongoDB: deletes, then upserts that only insert, then reads.</remarks>
    public async ValueTask<IReadOnlyList<ScheduledJob>> SyncScheduledJobsAsync(IReadOnlyList<ScheduledJob> configured, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configured);
        Enter(cancellationToken);
        try
        {
            var hashes = new BsonArray(configured.Select(c => c.Hash));
            await ScheduledJobs.DeleteManyAsync(new BsonDocument("hash", new BsonDocument("$nin", hashes)), cancellationToken).ConfigureAwait(false);
            foreach (var entry in configured)
            {
                await ScheduledJobs.UpdateOneAsync(
                    new BsonDocument("hash", entry.Hash),
                    new BsonDocument("$setOnInsert", ToDocument(entry)),
                    new UpdateOptions { IsUpsert = true },
                    cancellationToken).ConfigureAwait(false);
            }

            return await ReadScheduledAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ScheduledJob>> GetScheduledJobsAsync(CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        try
        {
            return await ReadScheduledAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public async ValueTask SetScheduledJobQueuedAsync(string hash, DateTime dateLastQueued, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        try
        {
            await ScheduledJobs.UpdateOneAsync(
                new BsonDocument("hash", hash),
                new BsonDocument("$set", new BsonDocument("datelastqueued", MongoDates.ToBson(dateLastQueued))),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    private async Task<IReadOnlyList<ScheduledJob>> ReadScheduledAsync(CancellationToken cancellationToken)
    {
        var entries = new List<ScheduledJob>();
        using var cursor = await ScheduledJobs.FindAsync(new BsonDocument(), cancellationToken: cancellationToken).ConfigureAwait(false);
        while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var d in cursor.Current)
            {
                entries.Add(new ScheduledJob
                {
                    Hash = d["hash"].AsString,
                    Path = d["path"].AsString,
                    Params = d.TryGetValue("params", out var p) && p.IsBsonDocument ? p.AsBsonDocument.ToJson() : null,
                    Queue = d.TryGetValue("queue", out var q) && q.IsString ? q.AsString : null,
                    Interval = d.TryGetValue("interval", out var i) && i.IsNumeric ? i.ToInt32() : null,
                    DailyTime = d.TryGetValue("dailytime", out var t) && t.IsString ? TimeSpan.ParseExact(t.AsString, "hh\\:mm\\:ss", System.Globalization.CultureInfo.InvariantCulture) : null,
                    Weekday = d.TryGetValue("weekday", out var w) && w.IsNumeric ? w.ToInt32() : null,
                    Monthday = d.TryGetValue("monthday", out var m) && m.IsNumeric ? m.ToInt32() : null,
                    DateLastQueued = MongoDates.Read(d, "datelastqueued") ?? DateTime.UnixEpoch,
                    Cron = d.TryGetValue("cron", out var c) && c.IsString ? c.AsString : null,
                });
            }
        }

        return entries;
    }

    private static BsonDocument ToDocument(ScheduledJob entry)
    {
        var document = new BsonDocument { { "hash", entry.Hash }, { "path", entry.Path }, { "datelastqueued", MongoDates.ToBson(entry.DateLastQueued) } };
        if (entry.Params is { } parameters)
        {
            document.Add("params", BsonDocument.Parse(parameters));
        }

        if (entry.Queue is { } queue)
        {
            document.Add("queue", queue);
        }

        if (entry.Interval is { } interval)
        {
            document.Add("interval", interval);
        }

        if (entry.DailyTime is { } time)
        {
            document.Add("dailytime", time.ToString("hh\\:mm\\:ss", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (entry.Weekday is { } weekday)
        {
            document.Add("weekday", weekday);
        }

        if (entry.Cron is { } cron)
        {
            // Mrq's own field; MRQ's Python scheduler has no cron entries.
            document.Add("cron", cron);
        }

        if (entry.Monthday is { } monthday)
        {
            document.Add("monthday", monthday);
        }

        return document;
    }
}
