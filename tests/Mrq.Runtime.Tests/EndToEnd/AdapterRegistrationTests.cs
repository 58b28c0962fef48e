using System.Collections;
using Mrq.Configuration;
using Mrq.Tests.Support;

namespace Mrq.Tests.EndToEnd;

/// <summary>
/// Adapter packages register themselves for their URI schemes: this test assembly references Mrq.Redis and Mrq.MongoDB
/// (so the generator registered both), the sample references Mrq.Redis only.
/// </summary>
public sealed class AdapterRegistrationTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_referenced_adapter_is_registered_by_the_generated_module_initializer()
    {
        Assert.NotNull(StoreAdapters.FindBroker("redis://127.0.0.1:6379"));
        Assert.NotNull(StoreAdapters.FindBroker("rediss://cache/1"));
        Assert.NotNull(StoreAdapters.FindJobStore("mongodb://127.0.0.1/db"));
        Assert.Null(StoreAdapters.FindJobStore("redis://127.0.0.1:6379"));
    }

    [Fact]
    public void A_scheme_no_adapter_handles_stops_loading_with_the_key_named_and_the_password_masked()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<MrqConfigurationException>(() =>
            ConfigurationLoader.Load([new("redis", "memcache://bob:s3cret@host")], new Hashtable(), dir.Path));

        Assert.StartsWith("redis (--redis, MRQ_REDIS): no adapter handles memcache:// URIs", error.Message, StringComparison.Ordinal);
        Assert.Contains("redis://", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_program_without_the_mongodb_package_names_it_when_given_a_mongodb_uri()
    {
        using var dir = new TempDirectory();
        using var run = ChildProcess.StartSample(dir.Path, "run", "tasks.Square", "{\"n\": 5}", "--mongodb_jobs", "mongodb://bob:s3cret@127.0.0.1:1/x");

        Assert.NotEqual(0, await run.WaitForExitAsync(s_timeout));
        Assert.Contains("mongodb_jobs (--mongodb_jobs, MRQ_MONGODB_JOBS): no adapter for mongodb:// URIs is loaded; add the Mrq.MongoDB package", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", run.StandardError, StringComparison.Ordinal);
    }
}
