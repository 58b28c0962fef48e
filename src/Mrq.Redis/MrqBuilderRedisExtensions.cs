using Mrq.Hosting;
using Mrq.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Redis for raw queues in a host.</summary>
public static class MrqBuilderRedisExtensions
{
    /// <summary>
    /// Keeps raw queues and concurrency slots on Redis (MRQ's <c>REDIS</c>):
    /// <c>redis://[[user]:password@]host[:port][/db]</c>, or <c>rediss://</c> for TLS.
    /// </summary>
    public static MrqBuilder UseRedis(this MrqBuilder builder, string uri)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(uri);

        // A host whose project does not run Mrq's generator still gets the adapter this method belongs to.
        RedisAdapter.Register();
        return builder.Set("redis", uri, nameof(UseRedis));
    }
}
