using StackExchange.Redis;

namespace Mrq.Redis;

// The keys and scripts of one concrete queue, resolved once and cached by RedisQueueBroker.Resolve.
internal sealed partial class RedisQueueBroker
{
    /// <summary>The keys and script of one queue name, built once and reused by every call.</summary>
    private sealed class QueueKeys
    {
        public QueueKeys(string queue, RawQueueType type, string queuePrefix, string knownPrefix)
        {
            Type = type;
            IsSubqueue = RawQueueNames.IsSubqueue(queue);
            IsListenForm = RawQueueNames.IsListenForm(queue);
            var root = RawQueueNames.Root(queue);
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
}
