using Mrq.Configuration;
using Mrq.Storage.Sqlite;

namespace Mrq.Storage;

/// <summary>Opens the stores that <see cref="MrqSettings"/> name: the embedded SQLite file unless a server is configured.</summary>
internal static class StoreFactory
{
    public static IJobStore OpenJobStore(MrqSettings settings) => SqliteJobStore.Open(settings.EmbeddedDb);
}
