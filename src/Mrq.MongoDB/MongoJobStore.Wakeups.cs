using MongoDB.Bson;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;

namespace Mrq.MongoDB;

/// <summary>
/// Wake-ups of regular queues through a change stream on <c>mrq_jobs</c>: an insert of a queued job whose queue has a
/// subscribed root, or an update that sets a job back to <c>queued</c> (a requeue or a retry), wakes the worker. The
/// enqueuer has nothing to do, so it reaches workers on every machine. Change streams need a replica set (or a sharded
/// cluster): on a standalone server the subscription is refused and the worker only polls every <c>max_latency</c>.
/// The stream is reopened after an error (a failover, a restart); what happens meanwhile is found by the poll.
/// </summary>
internal sealed partial class MongoJobStore : IJobStoreWakeups
{
    private static readonly TimeSpan s_reopenDelay = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    /// <remarks>Nothing to send: the change stream sees the insert.</remarks>
    public ValueTask NotifyAsync(string queue, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask<IQueueWakeups?> SubscribeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default)
    {
        var roots = queues.Select(PausedQueues.Root).ToHashSet(StringComparer.Ordinal);
        IChangeStreamCursor<BsonDocument> cursor;
        try
        {
            cursor = await WatchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            // A standalone server has no change streams: polling only.
            return null;
        }

        var stop = new CancellationTokenSource();
        WakeupSignal? signal = null;
        var loop = Task.Run(() => FollowAsync(cursor, roots, () => signal?.Set(), stop.Token), CancellationToken.None);
        signal = new WakeupSignal(async () =>
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await loop.ConfigureAwait(false);
            stop.Dispose();
        });
        return signal;
    }

    private Task<IChangeStreamCursor<BsonDocument>> WatchAsync(CancellationToken cancellationToken)
    {
        // Only the fields the filter reads travel back; plain BSON stages keep the adapter free of class maps (AOT).
        BsonDocument[] stages =
        [
            new("$match", new BsonDocument("$or", new BsonArray
            {
                new BsonDocument { { "operationType", "insert" }, { "fullDocument." + MongoFields.Status, "queued" } },
                new BsonDocument { { "operationType", "update" }, { "updateDescription.updatedFields." + MongoFields.Status, "queued" } },
            })),
            new("$project", new BsonDocument { { "operationType", 1 }, { "fullDocument." + MongoFields.Queue, 1 } }),
        ];
        var pipeline = PipelineDefinition<ChangeStreamDocument<BsonDocument>, BsonDocument>.Create(stages, BsonDocumentSerializer.Instance);
        return _jobs.WatchAsync(pipeline, new ChangeStreamOptions { MaxAwaitTime = TimeSpan.FromSeconds(10) }, cancellationToken);
    }

    private async Task FollowAsync(IChangeStreamCursor<BsonDocument>? cursor, HashSet<string> roots, Action wake, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using (cursor)
                {
                    while (cursor is not null && await cursor.MoveNextAsync(stop).ConfigureAwait(false))
                    {
                        if (cursor.Current.Any(change => Wakes(change, roots)))
                        {
                            wake();
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // A failover or restart ended the stream: reopen it below; the poll covers the gap.
            }

            try
            {
                await Task.Delay(s_reopenDelay, stop).ConfigureAwait(false);
                cursor = await WatchAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Still away (or disposed): try again after the delay, polling meanwhile.
                cursor = null;
            }
        }
    }

    /// <summary>An insert into a subscribed root; any requeue (its queue is not in an update's changed fields).</summary>
    private static bool Wakes(BsonDocument change, HashSet<string> roots) =>
        change.GetValue("operationType", BsonNull.Value) != "insert"
        || (change.GetValue("fullDocument", BsonNull.Value) is BsonDocument document
            && document.GetValue(MongoFields.Queue, BsonNull.Value) is BsonString queue
            && roots.Contains(PausedQueues.Root(queue.Value)));
}
