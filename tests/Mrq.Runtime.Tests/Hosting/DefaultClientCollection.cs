namespace Mrq.Tests.Hosting;

/// <summary>
/// Tests that set <see cref="MrqClient.Default"/> (a started host makes its client the default) never run in parallel
/// with each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DefaultClientCollection
{
    public const string Name = "MrqClient.Default";
}
