using StackExchange.Redis;

namespace Mrq.Redis;

// Coordination across workers: concurrency slots, paused queues and enqueue notifications.
internal sealed partial class RedisQueueBroker
{
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
        var result = await Guard(_db.ScriptEvaluateAsync(
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

    // MRQ's INCR and EXPIRE in a transaction (INCRBY: a queue's limit counts a claim's jobs at once, and gives back).
    private const string CountCallsScript = """
        local count = redis.call('INCRBY', KEYS[1], ARGV[2])
        redis.call('PEXPIREAT', KEYS[1], ARGV[1])
        return count
        """;

    /// <inheritdoc />
    /// <remarks>
    /// The key is <c>&lt;prefix&gt;:ratelimit:&lt;key&gt;:&lt;window&gt;</c>. MRQ's is the same without the prefix; with it,
    /// two deployments sharing a Redis (each with its own prefix) do not share counters, as they share nothing else.
    /// </remarks>
    public async ValueTask<long> CountCallsAsync(string key, long calls, TimeSpan per, DateTime now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        var window = RateWindow.Number(now, per);
        var expires = new DateTimeOffset(RateWindow.ExpiresAt(window, per)).ToUnixTimeMilliseconds();
        var result = await Guard(_db.ScriptEvaluateAsync(CountCallsScript, [(RedisKey)(_rateLimitPrefix + RateWindow.CounterName(key, window))], [expires, calls])).ConfigureAwait(false);
        return (long)result;
    }

    /// <inheritdoc />
    public async ValueTask<long> GetCountAsync(string key, TimeSpan per, DateTime now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        var value = await Guard(_db.StringGetAsync(_rateLimitPrefix + RateWindow.CounterName(key, RateWindow.Number(now, per)))).ConfigureAwait(false);
        return value.TryParse(out long count) ? count : 0;
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
        var subscriber = _connection.GetSubscriber();
        RedisChannel[] channels = [.. queues.Select(NotifyChannel).Distinct()];
        WakeupSignal? signal = null;
        void OnMessage(RedisChannel channel, RedisValue value) => signal?.Set();
        signal = new WakeupSignal(async () =>
        {
            foreach (var channel in channels)
            {
                await Guard(subscriber.UnsubscribeAsync(channel, OnMessage)).ConfigureAwait(false);
            }
        });
        foreach (var channel in channels)
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
        var members = await Guard(_db.SetMembersAsync(_pausedKey)).ConfigureAwait(false);
        return [.. members.Select(m => (string)m!).Order(StringComparer.Ordinal)];
    }
}
