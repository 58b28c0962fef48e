using System.Reflection;
using MongoDB.Bson;
using MongoDB.Driver;
using Mrq.MongoDB;

namespace Mrq.Tests.Storage;

/// <summary>
/// The MongoDB server tests run against: the one <c>MRQ_MONGODB_URI</c> names. There is none by default (no MongoDB on
/// the development machines), so every test that needs it is reported as skipped with <see cref="SkipReason"/>.
/// Run them with: <c>MRQ_MONGODB_URI=mongodb://127.0.0.1:27017 dotnet test tests/Mrq.Runtime.Tests --filter FullyQualifiedName~Mongo</c>.
/// </summary>
internal static class MongoTestServer
{
    /// <summary>The environment variable naming the server.</summary>
    public const string EnvironmentVariable = "MRQ_MONGODB_URI";

    /// <summary>Why server tests are skipped.</summary>
    public const string SkipReason = "MRQ_MONGODB_URI is not set; no MongoDB server on this machine";

    // One prefix per test run, so databases of concurrent runs never collide and leftovers are easy to spot.
    private static readonly string s_runPrefix = "mrqtest_" + Guid.NewGuid().ToString("N")[..10] + "_";
    private static int s_counter;

    /// <summary>The server's URI, or null when tests must skip.</summary>
    public static string? Uri => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } uri ? uri : null;

    // Asked once per run: a server that is down would otherwise cost every test the driver's 30 s server selection.
    private static readonly Lazy<string?> s_unreachable = new(Probe);

    /// <summary>
    /// The server's URI; throws when it is not set (a test that forgot to require it), or at once when the server did
    /// not answer the run's first ping.
    /// </summary>
    public static MongoUrl RequiredUrl
    {
        get
        {
            var url = new MongoUrl(Uri ?? throw new InvalidOperationException($"{SkipReason}: this test must be a [MongoFact] or use [StoreFact] on a [MongoServerRequired] class."));
            return s_unreachable.Value is { } reason
                ? throw new InvalidOperationException($"The MongoDB server that {EnvironmentVariable} names did not answer a ping within 10 s ({reason}); start it, or unset {EnvironmentVariable} to skip these tests.")
                : url;
        }
    }

    /// <summary>A database name unique to this test run and call (<c>mrqtest_&lt;run&gt;_&lt;n&gt;</c>).</summary>
    public static string NewDatabaseName() => s_runPrefix + Interlocked.Increment(ref s_counter).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Store options on <paramref name="database"/> of the test server.</summary>
    public static MongoStoreOptions Options(string database, MongoLogsSetting? logs = null) =>
        new(RequiredUrl) { JobsDatabase = database, Logs = logs ?? MongoLogsSetting.SameAsJobs };

    /// <summary>A client of the test server (the caller disposes it).</summary>
    public static MongoClient NewClient() => new(RequiredUrl);

    /// <summary>Drops a test database (best effort: a test must not fail in its cleanup).</summary>
    public static async Task DropAsync(string database)
    {
        try
        {
            using var client = NewClient();
            await client.DropDatabaseAsync(database);
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
        }
    }

    private static string? Probe()
    {
        var settings = MongoClientSettings.FromUrl(new MongoUrl(Uri!));
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(10);
        try
        {
            using var client = new MongoClient(settings);
            client.GetDatabase("admin").RunCommand<BsonDocument>(new BsonDocument("ping", 1));
            return null;
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            return e.GetType().Name;
        }
    }

    /// <summary>Creates every <c>mrq_jobs</c> index except the TTL one (the TTL monitor would delete test jobs whose fixed dates lie in the past).</summary>
    public static void CreateIndexesWithoutTtl(IMongoDatabase database)
    {
        var indexes = MongoIndexes.Jobs.Concat(MongoIndexes.Dashboard).Where(i => i.ExpireAfterSeconds is null).ToList();
        database.RunCommand<BsonDocument>(MongoIndexes.CreateIndexesCommand(indexes));
    }
}

/// <summary>A test that needs the MongoDB server of <c>MRQ_MONGODB_URI</c>: skipped when it is not set.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class MongoFactAttribute : FactAttribute
{
    public MongoFactAttribute()
    {
        if (MongoTestServer.Uri is null)
        {
            Skip = MongoTestServer.SkipReason;
        }
    }
}

/// <summary>A conformance test class whose store needs the MongoDB server of <c>MRQ_MONGODB_URI</c>.</summary>
public sealed class MongoServerRequiredAttribute : StoreSkipAttribute
{
    public override string? SkipReason => MongoTestServer.Uri is null ? MongoTestServer.SkipReason : null;
}
