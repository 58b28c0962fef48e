using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Mrq.Redis;

/// <summary>
/// Raw queues in Redis with MRQ's key layout: <c>&lt;prefix&gt;:q:&lt;queue&gt;</c> (a LIST for <c>_raw</c>, a SET for
/// <c>_set</c>, a ZSET for <c>_sorted_set</c> and <c>_timed_set</c>; subqueue names included literally) and
/// <c>&lt;prefix&gt;:ksq:&lt;root&gt;</c> (SET of the root's known subqueues). Every call is one round trip; dequeues are
/// Lua scripts, so each is atomic (MRQ pipelines N × LPOP/SPOP and a MULTI for sorted sets; here a batch is all or
/// nothing). Needs Redis ≥ 6.2.
/// </summary>
/// <remarks>
/// <para>The listen form <c>root/</c> is handled here: <see cref="DequeueAsync"/> takes from the root queue first, then
/// from each known subqueue in ordinal name order until <c>max</c> items are taken (one script); sizes sum the root and
/// its known subqueues. Fair rotation between subqueues is the caller's business (MRQ's worker treats each known
/// subqueue as a queue of its own: use <see cref="KnownSubqueuesAsync"/>). The <c>root/</c> script builds subqueue keys
/// itself, which standalone Redis allows but Redis Cluster does not.</para>
/// <para>A dequeue that finds a subqueue empty removes it from the known set (as MRQ does), atomically.</para>
/// <para>Cancellation is only checked before a command is sent: a dequeue already sent is never abandoned, so popped
/// items are not lost by a cancelled wait.</para>
/// </remarks>
internal sealed partial class RedisQueueBroker : IQueueBroker, Mrq.Storage.Queries.IRawQueueListing
{
    /// <summary>MRQ's default key prefix (<c>--redis_prefix</c>).</summary>
    public const string DefaultPrefix = "mrq";

    private const int MaxCachedQueues = 4096;

    private static readonly RedisValue Empty = RedisValue.EmptyString;

    private readonly IConnectionMultiplexer _connection;
    private readonly string _source;
    private readonly bool _ownsConnection;
    private readonly IDatabase _db;
    private readonly string _queuePrefix;
    private readonly string _knownPrefix;
    private readonly string _concurrencyPrefix;
    private readonly string _rateLimitPrefix;
    private readonly RedisKey _pausedKey;
    private readonly string _notifyPrefix;
    private readonly RedisValue _queuePrefixValue;
    private readonly ConcurrentDictionary<string, QueueKeys> _keys = new(StringComparer.Ordinal);

    /// <summary>
    /// Uses <paramref name="connection"/> (not disposed by this broker unless <paramref name="ownsConnection"/>);
    /// <paramref name="source"/> names the server in <see cref="MrqStoreUnavailableException"/>s (a masked URI).
    /// </summary>
    public RedisQueueBroker(IConnectionMultiplexer connection, string prefix = DefaultPrefix, int database = -1, bool ownsConnection = false, string source = "Redis")
    {
        _source = source;
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        _connection = connection;
        _ownsConnection = ownsConnection;
        _db = connection.GetDatabase(database);
        _queuePrefix = prefix + ":q:";
        _concurrencyPrefix = prefix + ":c:";
        _rateLimitPrefix = prefix + ":ratelimit:";
        _knownPrefix = prefix + ":ksq:";
        _pausedKey = prefix + ":s:paused";
        _notifyPrefix = prefix + ":notify:";
        _queuePrefixValue = _queuePrefix;
    }

    /// <summary>
    /// Connects to an MRQ-style URI (see <see cref="RedisUri"/>) and returns a broker owning the connection. A server
    /// that does not answer within <paramref name="connectTimeout"/> (default 5 s) throws
    /// <see cref="MrqStoreUnavailableException"/>; that timeout also bounds each call while the server is away later.
    /// Once connected, the connection comes back by itself after a server restart.
    /// </summary>
    public static async Task<RedisQueueBroker> ConnectAsync(string uri, string prefix = DefaultPrefix, TimeSpan? connectTimeout = null)
    {
        var options = RedisUri.Parse(uri);
        var timeout = (int)Math.Clamp((connectTimeout ?? TimeSpan.FromSeconds(5)).TotalMilliseconds, 1, int.MaxValue);
        options.ConnectTimeout = timeout;
        options.AsyncTimeout = timeout;
        options.SyncTimeout = timeout;
        options.ConnectRetry = 1;

        var masked = RedisUri.Mask(uri);
        ConnectionMultiplexer? connection = null;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!connection.IsConnected && waited.ElapsedMilliseconds < timeout)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }

            if (!connection.IsConnected)
            {
                throw RedisFaults.Unavailable(masked, await RedisFaults.WhyNotConnectedAsync(options).ConfigureAwait(false), timeout / 1000.0);
            }

            return new RedisQueueBroker(connection, prefix, ownsConnection: true, source: masked);
        }
        catch (Exception e) when (e is not MrqStoreUnavailableException && RedisFaults.IsOutage(e))
        {
            throw RedisFaults.Unavailable(masked, e, timeout / 1000.0);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
                connection.Dispose();
            }

            throw;
        }
    }

    private async Task<T> Guard<T>(Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFaults.IsOutage(e))
        {
            throw RedisFaults.Unavailable(_source, e);
        }
    }

    private async Task Guard(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFaults.IsOutage(e))
        {
            throw RedisFaults.Unavailable(_source, e);
        }
    }

    /// <inheritdoc />
    public ValueTask EnqueueAsync(string queue, ReadOnlyMemory<RawItem> items, CancellationToken cancellationToken = default) =>
        PushAsync(queue, items, atHead: false, cancellationToken);

    /// <inheritdoc />
    public ValueTask PushBackAsync(string queue, ReadOnlyMemory<RawItem> items, CancellationToken cancellationToken = default) =>
        PushAsync(queue, items, atHead: true, cancellationToken);

    private async ValueTask PushAsync(string queue, ReadOnlyMemory<RawItem> items, bool atHead, CancellationToken cancellationToken)
    {
        var keys = Resolve(queue);
        if (keys.IsListenForm)
        {
            throw new ArgumentException($"Cannot enqueue to the listen form '{queue}'; name the root or a subqueue.", nameof(queue));
        }

        if (items.IsEmpty)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!keys.IsSubqueue)
        {
            await Guard(Push(_db, keys, items.Span, atHead)).ConfigureAwait(false);
            return;
        }

        // Record the subqueue and push in one MULTI/EXEC (one round trip), so a concurrent dequeue that prunes empty
        // subqueues can never see the member without its items.
        var transaction = _db.CreateTransaction();
        Task recorded = transaction.SetAddAsync(keys.KnownKey, keys.SubqueueValue);
        var pushed = Push(transaction, keys, items.Span, atHead);
        await Guard(transaction.ExecuteAsync()).ConfigureAwait(false);
        await Guard(recorded).ConfigureAwait(false);
        await Guard(pushed).ConfigureAwait(false);
    }

    /// <summary>Adds the items: at a list's tail, or with <paramref name="atHead"/> at its head in their order; sets ignore it.</summary>
    private static Task Push(IDatabaseAsync db, QueueKeys keys, ReadOnlySpan<RawItem> items, bool atHead)
    {
        switch (keys.Type)
        {
            case RawQueueType.List:
            case RawQueueType.Set:
                var values = new RedisValue[items.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    values[i] = items[i].Value;
                }

                if (keys.Type == RawQueueType.Set)
                {
                    return db.SetAddAsync(keys.Key, values);
                }

                if (atHead)
                {
                    // LPUSH puts each value in turn at the head: the last one given ends up first.
                    Array.Reverse(values);
                    return db.ListLeftPushAsync(keys.Key, values);
                }

                return db.ListRightPushAsync(keys.Key, values);
            default:
                var entries = new SortedSetEntry[items.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    entries[i] = new SortedSetEntry(items[i].Value, items[i].Score);
                }

                return db.SortedSetAddAsync(keys.Key, entries);
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> DequeueAsync(string queue, int max, DateTime now, double pushbackSeconds, List<string> into, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(into);
        var keys = Resolve(queue);
        if (max <= 0)
        {
            return 0;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var nowSeconds = UnixSeconds(now);
        var until = keys.Type == RawQueueType.TimedSet && pushbackSeconds > 0 ? nowSeconds + pushbackSeconds : Empty;
        RedisValue[] args =
        [
            max,
            keys.IsListenForm ? _queuePrefixValue : Empty,
            keys.Type == RawQueueType.TimedSet ? nowSeconds : Empty,
            until,
            keys.SubqueueValue,
        ];

        var result = await Guard(_db.ScriptEvaluateAsync(keys.DequeueScript, keys.ScriptKeys, args)).ConfigureAwait(false);
        return RawReply.Decode((ReadOnlyMemory<byte>)(RedisValue)result, into);
    }

    /// <inheritdoc />
    public async ValueTask<long> RemoveAsync(string queue, IReadOnlyList<string> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var keys = RequireConcrete(queue);
        if (items.Count == 0)
        {
            return 0;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var values = new RedisValue[items.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = items[i];
        }

        switch (keys.Type)
        {
            case RawQueueType.List:
                var removed = await Guard(_db.ScriptEvaluateAsync(RedisRawScripts.RemoveFromList, keys.KeyOnly, values)).ConfigureAwait(false);
                return (long)removed;
            case RawQueueType.Set:
                return await Guard(_db.SetRemoveAsync(keys.Key, values)).ConfigureAwait(false);
            default:
                return await Guard(_db.SortedSetRemoveAsync(keys.Key, values)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection)
        {
            await _connection.CloseAsync().ConfigureAwait(false);
            _connection.Dispose();
        }
    }

    private QueueKeys RequireConcrete(string queue)
    {
        var keys = Resolve(queue);
        if (keys.IsListenForm)
        {
            throw new ArgumentException($"'{queue}' is a listen form (root + subqueues); name the root or one subqueue.", nameof(queue));
        }

        return keys;
    }

    private QueueKeys Resolve(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (_keys.TryGetValue(queue, out var keys))
        {
            return keys;
        }

        keys = new QueueKeys(queue, RawQueueNames.GetRequiredType(queue), _queuePrefix, _knownPrefix);
        if (_keys.Count >= MaxCachedQueues)
        {
            // Subqueue names can be unbounded (one per user, ...): keep the cache from growing forever.
            _keys.Clear();
        }

        return _keys.GetOrAdd(queue, keys);
    }

    private static double UnixSeconds(DateTime now)
    {
        var utc = now.Kind == DateTimeKind.Local ? now.ToUniversalTime() : now;
        return (utc.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;
    }
}
