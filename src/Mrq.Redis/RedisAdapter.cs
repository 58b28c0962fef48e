using Mrq.Configuration;
using Mrq.Infrastructure;

[assembly: MrqRegistration(typeof(Mrq.Redis.RedisAdapter))]

namespace Mrq.Redis;

/// <summary>
/// Raw queues on Redis, with MRQ's key layout, for the <c>redis</c> setting's <c>redis://</c> and <c>rediss://</c>
/// URIs. Mrq's generator calls <see cref="Register"/> in every project that references this package.
/// </summary>
// The same shape as MongoDBAdapter: the registration entry point every adapter package gives the generator to call.
public static class RedisAdapter
{
    /// <summary>Makes <c>redis://</c> and <c>rediss://</c> URIs usable in the <c>redis</c> setting. Calling it again does nothing.</summary>
    public static void Register() => StoreAdapters.Register(RedisBrokerAdapter.Instance);
}
