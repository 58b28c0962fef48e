using Mrq.Configuration;
using Mrq.Storage.Redis;
using Mrq.Storage.Sqlite;
using Mrq.Storage.SqliteBroker;

namespace Mrq.Storage;

/// <summary>Opens the stores that <see cref="MrqSettings"/> name: the embedded SQLite file unless a server is configured.</summary>
internal static class StoreFactory
{
    /// <summary>
    /// MongoDB when <c>mongodb_jobs</c> is set (creating MRQ's indexes first with <c>ensure_indexes</c>), otherwise the
    /// embedded file.
    /// </summary>
    public static IJobStore OpenJobStore(MrqSettings settings)
    {
        if (Mongo.MongoStoreOptions.FromSettings(settings) is { } mongo)
        {
            return Mongo.MongoJobStore.OpenAsync(mongo with { ConnectTimeout = ConnectTimeout(settings) }).GetAwaiter().GetResult();
        }

        try
        {
            return SqliteJobStore.Open(settings.EmbeddedDb);
        }
        catch (Exception e) when (SqliteFaults.IsUnusable(e))
        {
            throw SqliteFaults.Unusable(Path.GetFullPath(settings.EmbeddedDb), e);
        }
    }

    /// <summary>Redis when <c>redis</c> is set, otherwise the embedded file (the same one as the job store).</summary>
    public static IQueueBroker OpenBroker(MrqSettings settings)
    {
        if (settings.Redis is { } uri)
        {
            try
            {
                return RedisQueueBroker.ConnectAsync(uri, settings.RedisPrefix, ConnectTimeout(settings)).GetAwaiter().GetResult();
            }
            catch (ArgumentException e)
            {
                throw new MrqConfigurationException($"redis: {e.Message}", e);
            }
        }

        var path = Path.GetFullPath(settings.EmbeddedDb);
        try
        {
            return new SqliteQueueBroker(path);
        }
        catch (Exception e) when (SqliteFaults.IsUnusable(e))
        {
            throw SqliteFaults.Unusable(path, e);
        }
    }

    private static TimeSpan ConnectTimeout(MrqSettings settings) => TimeSpan.FromSeconds(settings.ConnectTimeout);
}
