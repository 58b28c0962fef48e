using Microsoft.Data.Sqlite;
using Mrq.Storage.Sqlite;

namespace Mrq.Tests.Support;

/// <summary>Reads every job of an embedded store file, for end-to-end assertions.</summary>
internal static class JobsInDatabase
{
    public static async Task<IReadOnlyList<JobInfo>> ReadAllAsync(string path)
    {
        var ids = new List<JobId>();
        await using (var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id FROM mrq_jobs ORDER BY datequeued, id";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(new JobId((byte[])reader[0]));
            }
        }

        await using var store = SqliteJobStore.Open(path);
        var jobs = new List<JobInfo>(ids.Count);
        foreach (var id in ids)
        {
            jobs.Add((await store.GetAsync(id))!);
        }

        return jobs;
    }
}
