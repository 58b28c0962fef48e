using System.Reflection;
using MongoDB.Bson;
using MongoDB.Driver;
using Mrq.MongoDB;
using Xunit.Abstractions;
using Xunit.Sdk;

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

    /// <summary>The server's URI; throws when it is not set (a test that forgot to require it).</summary>
    public static MongoUrl RequiredUrl =>
        new(Uri ?? throw new InvalidOperationException($"{SkipReason}: this test must be a [MongoFact] or use [StoreFact] on a [MongoServerRequired] class."));

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

// ---- How conformance tests (declared once in an abstract base class) skip for one adapter only -------------------
//
// xunit 2 reads [Fact(Skip = ...)] from the method, which the base class declares for every adapter at once. So the
// conformance suite uses [StoreFact] / [StoreTheory]: their discoverers look at the concrete test class being run and
// skip its cases when it carries a StoreSkipAttribute with a reason (MongoJobStoreTests without a server), and
// otherwise behave exactly like [Fact] / [Theory] (SqliteJobStoreTests runs them all).

/// <summary>Makes every [StoreFact]/[StoreTheory] of the class it is on skip when <see cref="SkipReason"/> is not null.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public abstract class StoreSkipAttribute : Attribute
{
    /// <summary>Why the class's store tests cannot run here, or null when they can.</summary>
    public abstract string? SkipReason { get; }

    /// <summary>The skip reason of a test class, from its <see cref="StoreSkipAttribute"/>, if any.</summary>
    public static string? For(ITypeInfo testClass) =>
        testClass.ToRuntimeType()?.GetCustomAttribute<StoreSkipAttribute>(inherit: true)?.SkipReason;
}

/// <summary>A conformance test: a [Fact] that the concrete class's <see cref="StoreSkipAttribute"/> can skip.</summary>
[XunitTestCaseDiscoverer("Mrq.Tests.Storage.StoreFactDiscoverer", "Mrq.Runtime.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class StoreFactAttribute : FactAttribute
{
}

/// <summary>A conformance theory: a [Theory] that the concrete class's <see cref="StoreSkipAttribute"/> can skip.</summary>
[XunitTestCaseDiscoverer("Mrq.Tests.Storage.StoreTheoryDiscoverer", "Mrq.Runtime.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class StoreTheoryAttribute : TheoryAttribute
{
}

/// <summary>Discovers [StoreFact] tests: a skipped case when the class says so, a plain fact otherwise.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        StoreSkipAttribute.For(testMethod.TestClass.Class) is { } reason
            ? new SkippedStoreTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)
            : base.CreateTestCase(discoveryOptions, testMethod, factAttribute);
}

/// <summary>Discovers [StoreTheory] tests: one skipped case when the class says so, the usual theory cases otherwise.</summary>
public sealed class StoreTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        StoreSkipAttribute.For(testMethod.TestClass.Class) is { } reason
            ? [new SkippedStoreTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

/// <summary>A test case reported as skipped with a reason decided at discovery (kept across serialization).</summary>
public sealed class SkippedStoreTestCase : XunitTestCase
{
    private string _reason = "";

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedStoreTestCase()
    {
    }

    public SkippedStoreTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod, string reason)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
        _reason = reason;
    }

    public override void Serialize(IXunitSerializationInfo data)
    {
        data.AddValue("StoreSkipReason", _reason);
        base.Serialize(data);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("StoreSkipReason");
        base.Deserialize(data);
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;
}
