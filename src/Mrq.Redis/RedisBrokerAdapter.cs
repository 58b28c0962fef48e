using System.Diagnostics.CodeAnalysis;
using Mrq.Configuration;

namespace Mrq.Redis;

/// <summary>Connects <see cref="RedisQueueBroker"/> for the <c>redis</c> setting.</summary>
// Shaped like MongoJobStoreAdapter on purpose: each package declares its adapter the same way (instance, package,
// schemes, expected form); only the values and what it opens differ.
internal sealed class RedisBrokerAdapter : QueueBrokerAdapter
{
    public static readonly RedisBrokerAdapter Instance = new();

    private RedisBrokerAdapter()
    {
    }

    public override string PackageId => "Mrq.Redis";

    public override IReadOnlyList<string> Schemes { get; } = ["redis", "rediss"];

    public override string Expected => "a Redis URI: redis://[[user]:password@]host[:port][/db] or rediss://… for TLS";

    public override bool TryValidate(string uri, [NotNullWhen(false)] out string? error) => RedisUri.TryParse(uri, out _, out error);

    public override string Mask(string uri) => RedisUri.Mask(uri);

    public override IQueueBroker Open(MrqSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            return RedisQueueBroker.ConnectAsync(settings.Redis!, settings.RedisPrefix, TimeSpan.FromSeconds(settings.ConnectTimeout)).GetAwaiter().GetResult();
        }
        catch (ArgumentException e)
        {
            throw new MrqConfigurationException($"redis: {e.Message}", e);
        }
    }
}
