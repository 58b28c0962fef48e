using System.Collections;
using System.Reflection;
using MongoDB.Bson;
using MongoDB.Driver;
using Mrq.Configuration;
using Mrq.MongoDB;
using Mrq.Storage;
using Mrq.Storage.Sqlite;
using Mrq.Tests.Support;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mrq.Tests.Storage;

/// <summary>
/// <c>mongodb_jobs</c> / <c>mongodb</c>, <c>mongodb_logs</c> and <c>ensure_indexes</c>: parsed from flags, environment and
/// config file, bad URIs refused at load with the key named and the password masked; the store factory; the index
/// definitions; and the guard that keeps the conformance suite skippable. Needs no server.
/// </summary>
public sealed class MongoConfigurationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Defaults_keep_the_embedded_store_and_logs_in_the_jobs_database()
    {
        var settings = Load();

        Assert.Null(settings.MongoDbJobs);
        Assert.Equal("1", settings.MongoDbLogs);
        Assert.False(settings.EnsureIndexes);
        Assert.Null(MongoStoreOptions.FromSettings(settings));
    }

    [Fact]
    public void Flags_environment_and_config_file_set_the_mongodb_keys_with_mrqs_precedence()
    {
        File.WriteAllText(_directory.File("mrq-config.json"), """{ "MONGODB_JOBS": "mongodb://file/filedb", "MONGODB_LOGS": "0", "ENSURE_INDEXES": true }""");
        var fromFile = Load();
        Assert.Equal("mongodb://file/filedb", fromFile.MongoDbJobs);
        Assert.Equal("0", fromFile.MongoDbLogs);
        Assert.True(fromFile.EnsureIndexes);

        var fromEnvironment = Load(environment: new Hashtable { ["MRQ_MONGODB_JOBS"] = "mongodb://env:27018/envdb", ["MRQ_MONGODB_LOGS"] = "mongodb://logs/logsdb" });
        Assert.Equal("mongodb://env:27018/envdb", fromEnvironment.MongoDbJobs);
        Assert.Equal("mongodb://logs/logsdb", fromEnvironment.MongoDbLogs);

        var fromFlags = Load(
            [new("mongodb", "mongodb://a:1,b:2/flagdb?replicaSet=rs0"), new("ensure_indexes", "false"), new("mongodb_logs", "1")],
            new Hashtable { ["MRQ_MONGODB_JOBS"] = "mongodb://env/envdb" });
        Assert.Equal("mongodb://a:1,b:2/flagdb?replicaSet=rs0", fromFlags.MongoDbJobs);
        Assert.False(fromFlags.EnsureIndexes);

        var options = MongoStoreOptions.FromSettings(fromFlags)!;
        Assert.Equal("flagdb", options.JobsDatabase);
        Assert.Equal(MongoLogsMode.SameAsJobs, options.Logs.Mode);
        Assert.Equal("rs0", options.Jobs.ReplicaSetName);
    }

    [Theory]
    [InlineData("--mongodb_jobs", "mongodb_jobs", "http://bob:s3cret@host/db")]
    [InlineData("--mongodb", "mongodb_jobs", "mongodb://bob:s3cret@host:99999999/db")]
    [InlineData("--mongodb_jobs", "mongodb_jobs", "mongodb://bob:s3cret@/db")]
    [InlineData("--mongodb_jobs", "mongodb_jobs", "mongodb://bob:s3cret@host/bad.name")]
    [InlineData("--mongodb_jobs", "mongodb_jobs", "mongodb+srv://bob:s3cret@host:27017/db")]
    [InlineData("--mongodb_logs", "mongodb_logs", "mongodb://bob:s3cret@h:0x/logs")]
    [InlineData("--mongodb_logs", "mongodb_logs", "2")]
    public void A_bad_uri_stops_loading_with_the_key_named_and_the_password_masked(string flag, string key, string value)
    {
        var error = Assert.Throws<MrqConfigurationException>(() => Load([new(flag[2..], value)]));

        Assert.StartsWith(key + " (--" + key + ", MRQ_" + key.ToUpperInvariant() + "):", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        Assert.Contains("mongodb://", error.Message, StringComparison.Ordinal);
        if (value.Contains("s3cret", StringComparison.Ordinal))
        {
            Assert.Contains("bob:****@", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_bad_uri_in_the_environment_or_config_file_is_refused_too()
    {
        Assert.Throws<MrqConfigurationException>(() => Load(environment: new Hashtable { ["MRQ_MONGODB_JOBS"] = "localhost:27017" }));
        File.WriteAllText(_directory.File("mrq-config.json"), """{ "MONGODB": "mongodb://u:pw@" }""");
        var error = Assert.Throws<MrqConfigurationException>(() => Load());
        Assert.DoesNotContain(":pw@", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mongodb://bob:s3cret@host/db", "mongodb://bob:****@host/db")]
    [InlineData("mongodb://bob:p@ss:w/rd@host,h2/db", "mongodb://bob:****@host,h2/db")]
    [InlineData("mongodb://host/db?tls=true&tlsCertificateKeyFilePassword=s3cret", "mongodb://host/db?tls=true&tlsCertificateKeyFilePassword=****")]
    [InlineData("mongodb://bob@host/db", "mongodb://bob@host/db")]
    [InlineData("mongodb://host:27017/db", "mongodb://host:27017/db")]
    public void Masking_hides_every_password(string uri, string masked) => Assert.Equal(masked, MongoUri.Mask(uri));

    [Fact]
    public void The_database_comes_from_the_uri_or_is_mrq()
    {
        Assert.Equal("mrq", MongoUri.DatabaseName(MongoUri.Parse("mongodb_jobs", "mongodb://127.0.0.1:27017")));
        Assert.Equal("jobs", MongoUri.DatabaseName(MongoUri.Parse("mongodb_jobs", "mongodb://127.0.0.1:27017/jobs?w=majority")));
        Assert.True(MongoUri.TryParse("mongodb+srv://cluster.example.org/mrq", out _, out _)); // SRV resolved when connecting, not here
    }

    [Fact]
    public void Mongodb_logs_is_1_0_or_a_separate_uri()
    {
        Assert.Same(MongoLogsSetting.SameAsJobs, MongoLogsSetting.Parse("1"));
        Assert.Same(MongoLogsSetting.Disabled, MongoLogsSetting.Parse(" 0 "));
        var separate = MongoLogsSetting.Parse("mongodb://u:pw@logs-host/logsdb");
        Assert.Equal(MongoLogsMode.Separate, separate.Mode);
        Assert.Equal("logsdb", MongoUri.DatabaseName(separate.Url!));
        Assert.DoesNotContain("pw", separate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_factory_opens_the_mongodb_store_when_mongodb_jobs_is_set_and_reports_an_unreachable_server_on_one_line()
    {
        var settings = Load([new("mongodb_jobs", "mongodb://127.0.0.1:1/factorytest"), new("mongodb_logs", "mongodb://127.0.0.1:2/factorylogs"), new("connect_timeout", "1")]);

        // The factory pings the server, so a command stops at start (exit 1) rather than at its first job.
        var error = Assert.Throws<MrqStoreUnavailableException>(() => StoreFactory.OpenJobStore(settings));
        Assert.Contains("127.0.0.1:1", error.Store, StringComparison.Ordinal);
        Assert.Contains("is unreachable: no server answered within connect_timeout = 1 s", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);

        await using var mongo = MongoJobStore.Open(MongoStoreOptions.FromSettings(settings)!);
        Assert.Equal("factorytest", mongo.Database.DatabaseNamespace.DatabaseName);
        Assert.Equal("factorylogs", mongo.LogsDatabase!.DatabaseNamespace.DatabaseName);
        Assert.NotSame(mongo.Database.Client, mongo.LogsDatabase.Client);

        await using var disabled = MongoJobStore.Open(new MongoStoreOptions(MongoUri.Parse("mongodb_jobs", "mongodb://127.0.0.1:1")) { Logs = MongoLogsSetting.Disabled });
        Assert.Null(disabled.LogsDatabase);
        Assert.Equal("mrq", disabled.Database.DatabaseNamespace.DatabaseName);
    }

    [Fact]
    public async Task The_store_reads_from_the_primary_with_acknowledged_writes_whatever_the_uri_says()
    {
        await using var store = MongoJobStore.Open(new MongoStoreOptions(MongoUri.Parse("mongodb_jobs", "mongodb://127.0.0.1:1/x?w=0&readPreference=secondary")));

        Assert.True(store.Jobs.Settings.WriteConcern.IsAcknowledged);
        Assert.Equal(ReadPreference.Primary, store.Jobs.Settings.ReadPreference);
        Assert.Equal("mrq_jobs", store.Jobs.CollectionNamespace.CollectionName);
        Assert.Equal("mrq_logs", store.Logs!.CollectionNamespace.CollectionName);
        Assert.Same(store.Database, store.LogsDatabase);

        await using var majority = MongoJobStore.Open(new MongoStoreOptions(MongoUri.Parse("mongodb_jobs", "mongodb://127.0.0.1:1/x?w=majority")));
        Assert.Equal(WriteConcern.WMajority, majority.Jobs.Settings.WriteConcern);
    }

    [Fact]
    public async Task The_factory_keeps_the_embedded_store_without_mongodb_jobs()
    {
        var settings = Load([new("embedded_db", _directory.File("mrq.db"))]);
        await using var store = StoreFactory.OpenJobStore(settings);
        Assert.IsType<SqliteJobStore>(store);
    }

    [Fact]
    public async Task A_disposed_store_refuses_calls_without_a_server()
    {
        var store = MongoJobStore.Open(new MongoStoreOptions(MongoUri.Parse("mongodb_jobs", "mongodb://127.0.0.1:1/x")));
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.GetAsync(JobId.NewId()));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.ClaimAsync("q", 1, "w", []));
        await store.DisposeAsync();
    }

    [Fact]
    public void The_indexes_are_mrqs_with_the_dequeue_and_ttl_indexes()
    {
        Assert.Equal(
            [
                "status_1", "path_1", "worker_1", "queue_1", "dateexpires_1", "dateretry_1", "datequeued_1",
                "queue_1_status_1_datequeued_1__id_1", "status_1_queue_1_path_1",
            ],
            MongoIndexes.Jobs.Select(i => i.Name));
        Assert.All(MongoIndexes.Jobs, i => Assert.Equal("mrq_jobs", i.Collection));

        MongoJobQueriesTests.AssertBson("""
            { "createIndexes": "mrq_jobs", "indexes": [
                { "key": { "status": 1 }, "name": "status_1", "background": true },
                { "key": { "path": 1 }, "name": "path_1", "background": true },
                { "key": { "worker": 1 }, "name": "worker_1", "background": true, "sparse": true },
                { "key": { "queue": 1 }, "name": "queue_1", "background": true },
                { "key": { "dateexpires": 1 }, "name": "dateexpires_1", "background": true, "sparse": true, "expireAfterSeconds": 0 },
                { "key": { "dateretry": 1 }, "name": "dateretry_1", "background": true, "sparse": true },
                { "key": { "datequeued": 1 }, "name": "datequeued_1", "background": true },
                { "key": { "queue": 1, "status": 1, "datequeued": 1, "_id": 1 }, "name": "queue_1_status_1_datequeued_1__id_1", "background": true },
                { "key": { "status": 1, "queue": 1, "path": 1 }, "name": "status_1_queue_1_path_1", "background": true } ] }
            """, MongoIndexes.CreateIndexesCommand(MongoIndexes.Jobs));
        MongoJobQueriesTests.AssertBson("""
            { "createIndexes": "mrq_logs", "indexes": [
                { "key": { "job": 1 }, "name": "job_1", "background": true },
                { "key": { "worker": 1 }, "name": "worker_1", "background": true, "sparse": true } ] }
            """, MongoIndexes.CreateIndexesCommand(MongoIndexes.Logs));
        MongoJobQueriesTests.AssertBson("""{ "create": "mrq_logs", "capped": true, "size": { "$numberLong": "16777216" } }""", MongoIndexes.CreateLogsCollectionCommand());
        MongoJobQueriesTests.AssertBson("""
            { "createIndexes": "mrq_workers", "indexes": [
              { "key": { "status": 1 }, "name": "status_1", "background": true },
              { "key": { "datereported": 1 }, "name": "datereported_1", "background": true, "expireAfterSeconds": 3600 } ] }
            """, MongoIndexes.CreateIndexesCommand(MongoIndexes.Workers));
        MongoJobQueriesTests.AssertBson("""
            { "createIndexes": "mrq_scheduled_jobs", "indexes": [
              { "key": { "hash": 1 }, "name": "hash_1", "background": true, "unique": true } ] }
            """, MongoIndexes.CreateIndexesCommand(MongoIndexes.ScheduledJobs));
    }

    [Fact]
    public void The_claim_filter_and_sort_are_a_prefix_of_the_dequeue_index()
    {
        var dequeue = MongoIndexes.Jobs.Single(i => i.Name == "queue_1_status_1_datequeued_1__id_1").Keys.Names.ToArray();
        var filterAndSort = MongoJobQueries.QueuedFilter("q").Names.Concat(MongoJobQueries.FifoSort().Names).ToArray();
        Assert.Equal(dequeue, filterAndSort);
    }

    [Fact]
    public void Every_conformance_test_is_skippable_for_an_adapter_without_its_server()
    {
        var plain = typeof(JobStoreConformanceTests)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any(a => a is not StoreFactAttribute and not StoreTheoryAttribute))
            .Select(m => m.Name)
            .ToArray();

        Assert.True(plain.Length == 0, $"Use [StoreFact]/[StoreTheory] in JobStoreConformanceTests, not [Fact]/[Theory] (MongoDB reports them as skipped without a server): {string.Join(", ", plain)}");
        Assert.Equal(
            MongoTestServer.Uri is null ? MongoTestServer.SkipReason : null,
            typeof(MongoJobStoreTests).GetCustomAttribute<StoreSkipAttribute>()!.SkipReason);
        Assert.Null(typeof(SqliteJobStoreTests).GetCustomAttribute<StoreSkipAttribute>());
    }

    [Fact]
    public void Conformance_cases_are_skipped_for_mongodb_without_a_server_and_run_for_sqlite()
    {
        var method = typeof(JobStoreConformanceTests).GetMethod(nameof(JobStoreConformanceTests.A_claimed_job_is_not_claimed_again))!;
        var assembly = new TestAssembly(Reflector.Wrap(typeof(MongoJobStoreTests).Assembly));
        var collection = new TestCollection(assembly, null, "conformance");
        var discoverer = new StoreFactDiscoverer(new NullMessageSink());
        var options = new DefaultDiscoveryOptions();

        IXunitTestCase Discover(Type testClass)
        {
            var testMethod = new TestMethod(new TestClass(collection, Reflector.Wrap(testClass)), Reflector.Wrap(method));
            var attribute = testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Single();
            var testCase = Assert.Single(discoverer.Discover(options, testMethod, attribute));

            // The VSTest runner serializes cases between discovery and execution: the reason must survive it.
            return SerializationHelper.Deserialize<IXunitTestCase>(SerializationHelper.Serialize(testCase));
        }

        Assert.Null(Discover(typeof(SqliteJobStoreTests)).SkipReason);
        Assert.Equal(MongoTestServer.Uri is null ? MongoTestServer.SkipReason : null, Discover(typeof(MongoJobStoreTests)).SkipReason);
    }

    private MrqSettings Load(IReadOnlyList<KeyValuePair<string, string>>? flags = null, IDictionary? environment = null) =>
        ConfigurationLoader.Load(flags ?? [], environment ?? new Hashtable(), _directory.Path);

    /// <summary>Discovery options with every value at its default.</summary>
    private sealed class DefaultDiscoveryOptions : ITestFrameworkDiscoveryOptions
    {
        public TValue GetValue<TValue>(string name) => default!;

        public void SetValue<TValue>(string name, TValue value)
        {
        }
    }
}
