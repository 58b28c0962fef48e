using StackExchange.Redis;

namespace Mrq.Redis;

// What the dashboard and the command line read and clear: the raw queues, their sizes and items, known subqueues.
internal sealed partial class RedisQueueBroker
{
    /// <inheritdoc />
    /// <remarks>A <c>SCAN</c> of the <c>&lt;prefix&gt;:q:*</c> keys on the primary (in pages, never <c>KEYS</c>); raw names only.</remarks>
    public async ValueTask<IReadOnlyList<string>> ListRawQueuesAsync(CancellationToken cancellationToken = default)
    {
        var server = _connection.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica);
        if (server is null)
        {
            return [];
        }

        var names = new List<string>();
        await foreach (var key in server.KeysAsync(_db.Database, _queuePrefix + "*", pageSize: 1000).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var name = ((string)key!)[_queuePrefix.Length..];
            if (RawQueueNames.TryGetType(name, out _))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <inheritdoc />
    public ValueTask<long> SizeAsync(string queue, CancellationToken cancellationToken = default)
        => CountAsync(queue, due: false, default, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> DueSizeAsync(string queue, DateTime now, CancellationToken cancellationToken = default)
        => CountAsync(queue, due: true, now, cancellationToken);

    private async ValueTask<long> CountAsync(string queue, bool due, DateTime now, CancellationToken cancellationToken)
    {
        var keys = Resolve(queue);
        cancellationToken.ThrowIfCancellationRequested();
        var dueOnly = due && keys.Type == RawQueueType.TimedSet;
        if (keys.IsListenForm)
        {
            RedisValue command = dueOnly ? "ZCOUNT" : keys.Type switch
            {
                RawQueueType.List => "LLEN",
                RawQueueType.Set => "SCARD",
                _ => "ZCARD",
            };
            RedisValue[] args = [command, _queuePrefixValue, dueOnly ? UnixSeconds(now) : Empty];
            var total = await Guard(_db.ScriptEvaluateAsync(RedisRawScripts.SizeOfListenForm, keys.ScriptKeys, args)).ConfigureAwait(false);
            return (long)total;
        }

        if (dueOnly)
        {
            return await Guard(_db.SortedSetLengthAsync(keys.Key, double.NegativeInfinity, UnixSeconds(now))).ConfigureAwait(false);
        }

        return keys.Type switch
        {
            RawQueueType.List => await Guard(_db.ListLengthAsync(keys.Key)).ConfigureAwait(false),
            RawQueueType.Set => await Guard(_db.SetLengthAsync(keys.Key)).ConfigureAwait(false),
            _ => await Guard(_db.SortedSetLengthAsync(keys.Key)).ConfigureAwait(false),
        };
    }

    /// <inheritdoc />
    /// <remarks>Sets are sampled with <c>SRANDMEMBER limit</c> as MRQ does: <paramref name="skip"/> is ignored for them.</remarks>
    public async ValueTask<IReadOnlyList<RawItem>> ListAsync(string queue, int skip, int limit, CancellationToken cancellationToken = default)
    {
        var keys = RequireConcrete(queue);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        if (limit <= 0)
        {
            return [];
        }

        cancellationToken.ThrowIfCancellationRequested();
        var stop = (long)skip + limit - 1;
        switch (keys.Type)
        {
            case RawQueueType.List:
            case RawQueueType.Set:
                var values = keys.Type == RawQueueType.List
                    ? await Guard(_db.ListRangeAsync(keys.Key, skip, stop)).ConfigureAwait(false)
                    : await Guard(_db.SetRandomMembersAsync(keys.Key, limit)).ConfigureAwait(false);
                var items = new RawItem[values.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    items[i] = new RawItem(values[i].ToString());
                }

                return items;
            default:
                var entries = await Guard(_db.SortedSetRangeByRankWithScoresAsync(keys.Key, skip, stop)).ConfigureAwait(false);
                var scored = new RawItem[entries.Length];
                for (var i = 0; i < entries.Length; i++)
                {
                    scored[i] = new RawItem(entries[i].Element.ToString(), entries[i].Score);
                }

                return scored;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> KnownSubqueuesAsync(string root, CancellationToken cancellationToken = default)
    {
        var keys = Resolve(root);
        cancellationToken.ThrowIfCancellationRequested();
        var members = await Guard(_db.SetMembersAsync(keys.KnownKey)).ConfigureAwait(false);
        var names = new string[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            names[i] = members[i].ToString();
        }

        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A subqueue: its key is deleted and it leaves the root's known set (MRQ would drop the whole known set). A root or
    /// <c>root/</c>: the root, every known subqueue and the known set are deleted (MRQ leaves the subqueues' data behind,
    /// unreachable).
    /// </remarks>
    public async ValueTask EmptyAsync(string queue, CancellationToken cancellationToken = default)
    {
        var keys = Resolve(queue);
        cancellationToken.ThrowIfCancellationRequested();
        if (keys.IsSubqueue)
        {
            var transaction = _db.CreateTransaction();
            var deleted = transaction.KeyDeleteAsync(keys.Key);
            var forgotten = transaction.SetRemoveAsync(keys.KnownKey, keys.SubqueueValue);
            await Guard(transaction.ExecuteAsync()).ConfigureAwait(false);
            await Guard(deleted).ConfigureAwait(false);
            await Guard(forgotten).ConfigureAwait(false);
            return;
        }

        RedisValue[] args = [_queuePrefixValue];
        await Guard(_db.ScriptEvaluateAsync(RedisRawScripts.EmptyRoot, keys.ScriptKeys, args)).ConfigureAwait(false);
    }
}
