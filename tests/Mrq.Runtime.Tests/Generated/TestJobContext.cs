namespace Mrq.Tests.Generated;

/// <summary>A job context for invoking generated invokers directly.</summary>
internal sealed class TestJobContext(string path, IServiceProvider? services = null, CancellationToken cancellationToken = default) : JobContext
{
    public override JobId Id { get; } = JobId.NewId();

    public override string Path => path;

    public override string Queue => "default";

    public override int RetryCount => 0;

    public override CancellationToken CancellationToken => cancellationToken;

    public override IServiceProvider Services => services ?? EmptyServices.Instance;

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
