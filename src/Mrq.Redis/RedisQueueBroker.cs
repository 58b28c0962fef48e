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
internal sealed class RedisQueueBroker : IQueueBroker, Mrq.Storage.Queries.IRawQueueListing
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
        ConfigurationOptions options = RedisUri.Parse(uri);
        int timeout = (int)Math.Clamp((connectTimeout ?? TimeSpan.FromSeconds(5)).TotalMilliseconds, 1, int.MaxValue);
        options.ConnectTimeout = timeout;
        options.AsyncTimeout = timeout;
        options.SyncTimeout = timeout;
        options.ConnectRetry = 1;

        string masked = RedisUri.Mask(uri);
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
    public async ValueTask EnqueueAsync(string queue, ReadOnlyMemory<RawItem> items, CancellationToken cancellationToken = default)
    {
        QueueKeys keys = Resolve(queue);
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
            await Guard(Push(_db, keys, items.Span)).ConfigureAwait(false);
            return;
        }

        // Record the subqueue and push in one MULTI/EXEC (one round trip), so a concurrent dequeue that prunes empty
        // subqueues can never see the member without its items.
        ITransaction transaction = _db.CreateTransaction();
        Task recorded = transaction.SetAddAsync(keys.KnownKey, keys.SubqueueValue);
        Task pushed = Push(transaction, keys, items.Span);
        await Guard(transaction.ExecuteAsync()).ConfigureAwait(false);
        await Guard(recorded).ConfigureAwait(false);
        await Guard(pushed).ConfigureAwait(false);
    }

    private static Task Push(IDatabaseAsync db, QueueKeys keys, ReadOnlySpan<RawItem> items)
    {
        switch (keys.Type)
        {
            case RawQueueType.List:
            case RawQueueType.Set:
                var values = new RedisValue[items.Length];
                for (int i = 0; i < items.Length; i++)
                {
                    values[i] = items[i].Value;
                }

                return keys.Type == RawQueueType.List ? db.ListRightPushAsync(keys.Key, values) : db.SetAddAsync(keys.Key, values);
            default:
                var entries = new SortedSetEntry[items.Length];
                for (int i = 0; i < items.Length; i++)
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
        QueueKeys keys = Resolve(queue);
        if (max <= 0)
        {
            return 0;
        }

        cancellationToken.ThrowIfCancellationRequested();
        double nowSeconds = UnixSeconds(now);
        RedisValue until = keys.Type == RawQueueType.TimedSet && pushbackSeconds > 0 ? nowSeconds + pushbackSeconds : Empty;
        RedisValue[] args =
        [
            max,
            keys.IsListenForm ? _queuePrefixValue : Empty,
            keys.Type == RawQueueType.TimedSet ? nowSeconds : Empty,
            until,
            keys.SubqueueValue,
        ];

        RedisResult result = await Guard(_db.ScriptEvaluateAsync(keys.DequeueScript, keys.ScriptKeys, args)).ConfigureAwait(false);
        var taken = (RedisValue[]?)result;
        if (taken is null)
        {
            return 0;
        }

        for (int i = 0; i < taken.Length; i++)
        {
            into.Add(taken[i].ToString());
        }

        return taken.Length;
    }

    /// <inheritdoc />
    public async ValueTask<long> RemoveAsync(string queue, IReadOnlyList<string> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        QueueKeys keys = RequireConcrete(queue);
        if (items.Count == 0)
        {
            return 0;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var values = new RedisValue[items.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = items[i];
        }

        switch (keys.Type)
        {
            case RawQueueType.List:
                RedisResult removed = await Guard(_db.ScriptEvaluateAsync(RedisRawScripts.RemoveFromList, keys.KeyOnly, values)).ConfigureAwait(false);
                return (long)removed;
            case RawQueueType.Set:
                return await Guard(_db.SetRemoveAsync(keys.Key, values)).ConfigureAwait(false);
            default:
                return await Guard(_db.SortedSetRemoveAsync(keys.Key, values)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>A <c>SCAN</c> of the <c>&lt;prefix&gt;:q:*</c> keys on the primary (in pages, never <c>KEYS</c>); raw names only.</remarks>
    public async ValueTask<IReadOnlyList<string>> ListRawQueuesAsync(CancellationToken cancellationToken = default)
    {
        IServer? server = _connection.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica);
        if (server is null)
        {
            return [];
        }

        var names = new List<string>();
        await foreach (RedisKey key in server.KeysAsync(_db.Database, _queuePrefix + "*", pageSize: 1000).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            string name = ((string)key!)[_queuePrefix.Length..];
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
        QueueKeys keys = Resolve(queue);
        cancellationToken.ThrowIfCancellationRequested();
        bool dueOnly = due && keys.Type == RawQueueType.TimedSet;
        if (keys.IsListenForm)
        {
            RedisValue command = dueOnly ? "ZCOUNT" : keys.Type switch
            {
                RawQueueType.List => "LLEN",
                RawQueueType.Set => "SCARD",
                _ => "ZCARD",
            };
            RedisValue[] args = [command, _queuePrefixValue, dueOnly ? UnixSeconds(now) : Empty];
            RedisResult total = await Guard(_db.ScriptEvaluateAsync(RedisRawScripts.SizeOfListenForm, keys.ScriptKeys, args)).ConfigureAwait(false);
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
        QueueKeys keys = RequireConcrete(queue);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        if (limit <= 0)
        {
            return [];
        }

        cancellationToken.ThrowIfCancellationRequested();
        long stop = (long)skip + limit - 1;
        switch (keys.Type)
        {
            case RawQueueType.List:
            case RawQueueType.Set:
                RedisValue[] values = keys.Type == RawQueueType.List
                    ? await Guard(_db.ListRangeAsync(keys.Key, skip, stop)).ConfigureAwait(false)
                    : await Guard(_db.SetRandomMembersAsync(keys.Key, limit)).ConfigureAwait(false);
                var items = new RawItem[values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    items[i] = new RawItem(values[i].ToString());
                }

                return items;
            default:
                SortedSetEntry[] entries = await Guard(_db.SortedSetRangeByRankWithScoresAsync(keys.Key, skip, stop)).ConfigureAwait(false);
                var scored = new RawItem[entries.Length];
                for (int i = 0; i < entries.Length; i++)
                {
                    scored[i] = new RawItem(entries[i].Element.ToString(), entries[i].Score);
                }

                return scored;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> KnownSubqueuesAsync(string root, CancellationToken cancellationToken = default)
    {
        QueueKeys keys = Resolve(root);
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue[] members = await Guard(_db.SetMembersAsync(keys.KnownKey)).ConfigureAwait(false);
        var names = new string[members.Length];
        for (int i = 0; i < members.Length; i++)
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
        QueueKeys keys = Resolve(queue);
        cancellationToken.ThrowIfCancellationRequested();
        if (keys.IsSubqueue)
        {
            ITransaction transaction = _db.CreateTransaction();
            Task<bool> deleted = transaction.KeyDeleteAsync(keys.Key);
            Task<bool> forgotten = transaction.SetRemoveAsync(keys.KnownKey, keys.SubqueueValue);
            await Guard(transaction.ExecuteAsync()).ConfigureAwait(false);
            await Guard(deleted).ConfigureAwait(false);
            await Guard(forgotten).ConfigureAwait(false);
            return;
        }

        RedisValue[] args = [_queuePrefixValue];
        await Guard(_db.ScriptEvaluateAsync(RedisRawScripts.EmptyRoot, keys.ScriptKeys, args)).ConfigureAwait(false);
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
        QueueKeys keys = Resolve(queue);
        if (keys.IsListenForm)
        {
            throw new ArgumentException($"'{queue}' is a listen form (root + subqueues); name the root or one subqueue.", nameof(queue));
        }

        return keys;
    }

    private QueueKeys Resolve(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (_keys.TryGetValue(queue, out QueueKeys? keys))
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
        DateTime utc = now.Kind == DateTimeKind.Local ? now.ToUniversalTime() : now;
        return (utc.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;
    }

    /// <summary>The keys and script of one queue name, built once and reused by every call.</summary>
    private sealed class QueueKeys
    {
        public QueueKeys(string queue, RawQueueType type, string queuePrefix, string knownPrefix)
        {
            Type = type;
            IsSubqueue = RawQueueNames.IsSubqueue(queue);
            IsListenForm = RawQueueNames.IsListenForm(queue);
            string root = RawQueueNames.Root(queue);
            Key = queuePrefix + (IsListenForm ? root : queue);
            KnownKey = knownPrefix + root;
            SubqueueValue = IsSubqueue ? queue : Empty;
            ScriptKeys = [Key, KnownKey];
            KeyOnly = [Key];
            DequeueScript = type switch
            {
                RawQueueType.List => RedisRawScripts.DequeueList,
                RawQueueType.Set => RedisRawScripts.DequeueSet,
                RawQueueType.SortedSet => RedisRawScripts.DequeueSortedSet,
                _ => RedisRawScripts.DequeueTimedSet,
            };
        }

        public RawQueueType Type { get; }

        public bool IsSubqueue { get; }

        public bool IsListenForm { get; }

        /// <summary><c>prefix:q:queue</c> (the root's key for the listen form).</summary>
        public RedisKey Key { get; }

        /// <summary><c>prefix:ksq:root</c>.</summary>
        public RedisKey KnownKey { get; }

        /// <summary>The full subqueue name, or empty when not a subqueue.</summary>
        public RedisValue SubqueueValue { get; }

        /// <summary>[Key, KnownKey]: never mutated by the library, so shared between calls.</summary>
        public RedisKey[] ScriptKeys { get; }

        /// <summary>[Key].</summary>
        public RedisKey[] KeyOnly { get; }

        public string DequeueScript { get; }
    }

    // MRQ's "<prefix>:c:<taskpath>" key, here a sorted set of holders scored by expiry so N > 1 slots can be shared and
    // a crashed holder's slot expires by itself.
    private const string AcquireSlotScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        if redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 1 end
        if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
          redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
          redis.call('PEXPIREAT', KEYS[1], math.floor(tonumber(ARGV[2]) * 1000) + 1000)
          return 1
        end
        return 0
        """;

    /// <inheritdoc />
    public async ValueTask<bool> TryAcquireSlotAsync(string name, string holder, int limit, DateTime now, DateTime expires, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisResult result = await Guard(_db.ScriptEvaluateAsync(
            AcquireSlotScript,
            [(RedisKey)(_concurrencyPrefix + name)],
            [UnixSeconds(now), UnixSeconds(expires), holder, limit])).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseSlotAsync(string name, string holder, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Guard(_db.SortedSetRemoveAsync(_concurrencyPrefix + name, holder)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask PauseQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        var member = PausedQueues.Member(queue);
        cancellationToken.ThrowIfCancellationRequested();
        await Guard(_db.SetAddAsync(_pausedKey, member)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ResumeQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        var member = PausedQueues.Member(queue);
        cancellationToken.ThrowIfCancellationRequested();
        await Guard(_db.SetRemoveAsync(_pausedKey, member)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A PUBLISH on the channel <c>&lt;prefix&gt;:notify:&lt;root&gt;</c> (MRQ names a list so; Mrq's workers subscribe
    /// instead of BLPOP, which a multiplexed connection cannot block on, and which would move raw items out of the
    /// atomic dequeue scripts). Sent without waiting for the reply: it follows the enqueue on the same connection, so
    /// Redis runs it after the items are there, and the enqueuer pays no second round trip. A PUBLISH nobody listens
    /// to costs Redis a dictionary lookup.
    /// </remarks>
    public ValueTask NotifyAsync(string queue, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _ = _connection.GetSubscriber().Publish(NotifyChannel(queue), 1, CommandFlags.FireAndForget);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask<IQueueWakeups> SubscribeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ISubscriber subscriber = _connection.GetSubscriber();
        RedisChannel[] channels = [.. queues.Select(NotifyChannel).Distinct()];
        WakeupSignal? signal = null;
        void OnMessage(RedisChannel channel, RedisValue value) => signal?.Set();
        signal = new WakeupSignal(async () =>
        {
            foreach (RedisChannel channel in channels)
            {
                await Guard(subscriber.UnsubscribeAsync(channel, OnMessage)).ConfigureAwait(false);
            }
        });
        foreach (RedisChannel channel in channels)
        {
            await Guard(subscriber.SubscribeAsync(channel, OnMessage)).ConfigureAwait(false);
        }

        return signal;
    }

    private RedisChannel NotifyChannel(string queue) => RedisChannel.Literal(_notifyPrefix + PausedQueues.Root(queue));

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> GetPausedQueuesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue[] members = await Guard(_db.SetMembersAsync(_pausedKey)).ConfigureAwait(false);
        return [.. members.Select(m => (string)m!).Order(StringComparer.Ordinal)];
    }
}
