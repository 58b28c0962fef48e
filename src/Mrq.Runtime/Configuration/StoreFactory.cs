using Mrq.Storage;
using Mrq.Storage.Sqlite;
using Mrq.Storage.SqliteBroker;

namespace Mrq.Configuration;

/// <summary>
/// Opens the stores that <see cref="MrqSettings"/> name: the embedded SQLite file unless a server URI is configured,
/// then the adapter registered for that URI's scheme (see <see cref="StoreAdapters"/>).
/// </summary>
internal static class StoreFactory
{
    /// <summary>The adapter for <c>mongodb_jobs</c>'s scheme when it is set, otherwise the embedded file.</summary>
    public static IJobStore OpenJobStore(MrqSettings settings)
    {
        if (settings.MongoDbJobs is { } uri)
        {
            var adapter = StoreAdapters.FindJobStore(uri) ?? throw StoreAdapters.NoAdapter("mongodb_jobs", uri);
            return adapter.Open(settings);
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

    /// <summary>The adapter for <c>redis</c>'s scheme when it is set, otherwise the embedded file (the job store's).</summary>
    public static IQueueBroker OpenBroker(MrqSettings settings)
    {
        if (settings.Redis is { } uri)
        {
            var adapter = StoreAdapters.FindBroker(uri) ?? throw StoreAdapters.NoAdapter("redis", uri);
            return adapter.Open(settings);
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
}
