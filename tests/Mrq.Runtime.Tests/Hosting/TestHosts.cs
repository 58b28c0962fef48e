using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mrq.Hosting;
using Mrq.Storage.Sqlite;
using Mrq.Tests.Support;

namespace Mrq.Tests.Hosting;

/// <summary>Builds real Generic Hosts on a fresh embedded store, and reads that store back.</summary>
internal static class TestHosts
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>A host whose configuration is <paramref name="settings"/> (keys under <c>Mrq:</c>) with the store in <paramref name="directory"/>.</summary>
    public static IHost Build(TempDirectory directory, Action<IServiceCollection, MrqBuilder> configure, IDictionary<string, string?>? settings = null, TimeSpan? shutdownTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = directory.Path,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        if (shutdownTimeout is { } timeout)
        {
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
        }

        var mrq = builder.Services.AddMrq().UseSqlite(directory.File("jobs.db"));
        configure(builder.Services, mrq);
        return builder.Build();
    }

    public static async Task<JobInfo?> GetAsync(string database, JobId id)
    {
        await using var store = SqliteJobStore.Open(database);
        return await store.GetAsync(id);
    }

    public static async Task<JobStatus[]> StatusesAsync(string database, IEnumerable<JobId> ids)
    {
        await using var store = SqliteJobStore.Open(database);
        var statuses = new List<JobStatus>();
        foreach (var id in ids)
        {
            statuses.Add((await store.GetAsync(id))?.Status ?? throw new InvalidOperationException($"job {id} is missing"));
        }

        return [.. statuses];
    }
}
