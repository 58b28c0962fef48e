namespace Mrq.Redis;

/// <summary>
/// The Lua scripts of <see cref="RedisQueueBroker"/>. They are passed as text to <c>ScriptEvaluate</c>, which sends
/// EVALSHA and falls back to EVAL (and caches the SHA) by itself. Needs Redis ≥ 6.2 (<c>LPOP key count</c>).
/// </summary>
/// <remarks>
/// Dequeue scripts share one calling convention: <c>KEYS = [queue key, known-subqueues key]</c>,
/// <c>ARGV = [max, multi-prefix, now, pushback-until, subqueue]</c>. With an empty multi-prefix they take from
/// <c>KEYS[1]</c> only; otherwise (the <c>root/</c> listen form) from the root's key first, then from every known
/// subqueue in ordinal name order (their keys are the multi-prefix + the subqueue name, so this mode is not
/// cluster-safe). A subqueue found empty is removed from the known set, atomically with respect to enqueue (which adds it
/// back in the same MULTI as its push).
/// <para>They reply with one bulk string, every taken item as <c>&lt;byte length&gt;:&lt;bytes&gt;</c> in order (empty
/// when nothing was taken), rather than an array: the client then parses one value per batch instead of one per item,
/// and decodes each param straight from the reply's buffer (<see cref="RawReply"/>).</para>
/// </remarks>
internal static class RedisRawScripts
{
    private const string Body = """

        local n = tonumber(ARGV[1])
        local out = {}
        local function take(key, sub)
          local r = pop(key, n - #out)
          for i = 1, #r do out[#out + 1] = r[i] end
          if #r == 0 and sub ~= '' and redis.call('EXISTS', key) == 0 then
            redis.call('SREM', KEYS[2], sub)
          end
        end
        if ARGV[2] == '' then
          take(KEYS[1], ARGV[5])
        else
          take(KEYS[1], '')
          if #out < n then
            local subs = redis.call('SMEMBERS', KEYS[2])
            table.sort(subs)
            for i = 1, #subs do
              if #out >= n then break end
              take(ARGV[2] .. subs[i], subs[i])
            end
          end
        end
        local reply = {}
        for i = 1, #out do
          reply[3 * i - 2] = #out[i]
          reply[3 * i - 1] = ':'
          reply[3 * i] = out[i]
        end
        return table.concat(reply)
        """;

    /// <summary>List: <c>LPOP key count</c> from the head (FIFO).</summary>
    public const string DequeueList = """
        local function pop(key, c)
          local r = redis.call('LPOP', key, c)
          if not r then return {} end
          return r
        end
        """ + Body;

    /// <summary>Set: <c>SPOP key count</c>.</summary>
    public const string DequeueSet = """
        local function pop(key, c)
          return redis.call('SPOP', key, c)
        end
        """ + Body;

    /// <summary>Sorted set: the lowest scores first, read and removed atomically.</summary>
    public const string DequeueSortedSet = """
        local function pop(key, c)
          local r = redis.call('ZRANGE', key, 0, c - 1)
          if #r > 0 then redis.call('ZREMRANGEBYRANK', key, 0, #r - 1) end
          return r
        end
        """ + Body;

    /// <summary>
    /// Timed set: members with score ≤ now (ARGV[3]), earliest first; removed, or with a pushback-until (ARGV[4] not
    /// empty) re-scored to it so they stay and become due again.
    /// </summary>
    public const string DequeueTimedSet = """
        local function pop(key, c)
          local r = redis.call('ZRANGEBYSCORE', key, '-inf', ARGV[3], 'LIMIT', 0, c)
          if #r > 0 then
            if ARGV[4] ~= '' then
              for i = 1, #r do redis.call('ZADD', key, ARGV[4], r[i]) end
            else
              redis.call('ZREMRANGEBYRANK', key, 0, #r - 1)
            end
          end
          return r
        end
        """ + Body;

    /// <summary>
    /// Size of the listen form <c>root/</c>: the root plus every known subqueue. KEYS = [root key, known-subqueues key],
    /// ARGV = [size command (LLEN, SCARD, ZCARD or ZCOUNT), key prefix, now (ZCOUNT only)].
    /// </summary>
    public const string SizeOfListenForm = """
        local function size(key)
          if ARGV[1] == 'ZCOUNT' then return redis.call('ZCOUNT', key, '-inf', ARGV[3]) end
          return redis.call(ARGV[1], key)
        end
        local total = size(KEYS[1])
        local subs = redis.call('SMEMBERS', KEYS[2])
        for i = 1, #subs do total = total + size(ARGV[2] .. subs[i]) end
        return total
        """;

    /// <summary>Removes one occurrence of each ARGV value from the list KEYS[1] (MRQ's <c>LREM key 1 p</c> per item).</summary>
    public const string RemoveFromList = """
        local removed = 0
        for i = 1, #ARGV do removed = removed + redis.call('LREM', KEYS[1], 1, ARGV[i]) end
        return removed
        """;

    /// <summary>Deletes a root queue, all of its known subqueues and its known-subqueues set. KEYS = [root key, ksq key], ARGV = [key prefix].</summary>
    public const string EmptyRoot = """
        local subs = redis.call('SMEMBERS', KEYS[2])
        for i = 1, #subs do redis.call('DEL', ARGV[1] .. subs[i]) end
        redis.call('DEL', KEYS[1], KEYS[2])
        return #subs
        """;
}
