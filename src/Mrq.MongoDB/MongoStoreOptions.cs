using MongoDB.Driver;
using Mrq.Configuration;

namespace Mrq.MongoDB;

/// <summary>How <see cref="MongoJobStore"/> connects: the jobs URI, where logs go, and whether to create indexes at start.</summary>
internal sealed record MongoStoreOptions
{
    /// <summary>Creates options for the jobs database at <paramref name="jobs"/>.</summary>
    public MongoStoreOptions(MongoUrl jobs)
    {
        Jobs = jobs ?? throw new ArgumentNullException(nameof(jobs));
        JobsDatabase = MongoUri.DatabaseName(jobs);
    }

    /// <summary>The jobs database's URI (<c>--mongodb_jobs</c>).</summary>
    public MongoUrl Jobs { get; }

    /// <summary>The jobs database: the URI's, <c>mrq</c> when it names none; tests give each run its own.</summary>
    public string JobsDatabase { get; init; }

    /// <summary>Where job logs go (<c>--mongodb_logs</c>).</summary>
    public MongoLogsSetting Logs { get; init; } = MongoLogsSetting.SameAsJobs;

    /// <summary>The logs database when <see cref="Logs"/> is a separate URI: that URI's, <c>mrq</c> when it names none.</summary>
    public string? LogsDatabase { get; init; }

    /// <summary>Create MRQ's indexes (and the capped logs collection) at start (<c>--ensure_indexes</c>).</summary>
    public bool EnsureIndexes { get; init; }

    /// <summary>How long to wait for a server (<c>connect_timeout</c>); null keeps the URI's or the driver's own.</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>
    /// The options <paramref name="settings"/> name, or null when <c>mongodb_jobs</c> is not set (the embedded store is
    /// used then). Bad URIs were already refused when the settings were loaded; this re-checks values set in code.
    /// </summary>
    public static MongoStoreOptions? FromSettings(MrqSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MongoDbJobs is not { } jobs)
        {
            return null;
        }

        return new MongoStoreOptions(MongoUri.Parse("mongodb_jobs", jobs))
        {
            Logs = MongoLogsSetting.Parse(settings.MongoDbLogs),
            EnsureIndexes = settings.EnsureIndexes,
        };
    }
}
