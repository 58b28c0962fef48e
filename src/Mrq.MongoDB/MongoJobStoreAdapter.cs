using System.Diagnostics.CodeAnalysis;
using Mrq.Configuration;

namespace Mrq.MongoDB;

/// <summary>Opens <see cref="MongoJobStore"/> for the <c>mongodb_jobs</c> setting (creating MRQ's indexes first with <c>ensure_indexes</c>).</summary>
// Shaped like RedisBrokerAdapter on purpose: each package declares its adapter the same way (instance, package,
// schemes, expected form); only the values and what it opens differ.
internal sealed class MongoJobStoreAdapter : JobStoreAdapter
{
    public static readonly MongoJobStoreAdapter Instance = new();

    private MongoJobStoreAdapter()
    {
    }

    public override string PackageId => "Mrq.MongoDB";

    public override IReadOnlyList<string> Schemes { get; } = ["mongodb", "mongodb+srv"];

    public override string Expected => MongoUri.Expected;

    public override bool TryValidate(string uri, [NotNullWhen(false)] out string? error) => MongoUri.TryParse(uri, out _, out error);

    public override string Mask(string uri) => MongoUri.Mask(uri);

    public override IJobStore Open(MrqSettings settings) =>
        MongoJobStore.OpenAsync(MongoStoreOptions.FromSettings(settings)! with { ConnectTimeout = TimeSpan.FromSeconds(settings.ConnectTimeout) }).GetAwaiter().GetResult();
}
