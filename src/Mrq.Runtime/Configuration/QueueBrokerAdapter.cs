using Mrq.Storage;

namespace Mrq.Configuration;

/// <summary>An adapter that keeps raw queues on a server named by the <c>redis</c> URI (instead of the embedded file).</summary>
public abstract class QueueBrokerAdapter : StoreAdapter
{
    /// <summary>Connects the broker that <paramref name="settings"/> name (their <c>redis</c> is set and valid).</summary>
    public abstract IQueueBroker Open(MrqSettings settings);
}
