using Mrq.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Mrq's health checks for <c>services.AddHealthChecks()</c>.</summary>
public static class MrqHealthChecksBuilderExtensions
{
    /// <summary>The name of the check that the job store and the raw-queue broker answer.</summary>
    public const string StoreCheckName = "mrq-store";

    /// <summary>The name of the check that every hosted worker runs and reports.</summary>
    public const string WorkersCheckName = "mrq-workers";

    /// <summary>The tag of checks that say whether the application can serve (store and broker reachable).</summary>
    public const string ReadyTag = "ready";

    /// <summary>The tag of checks that say whether the process is alive (workers running and reporting).</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// Adds <c>mrq-store</c> (tags <c>mrq</c>, <c>ready</c>: the job store and broker answer) and <c>mrq-workers</c>
    /// (tags <c>mrq</c>, <c>live</c>: every hosted worker runs and reports).
    /// </summary>
    public static IHealthChecksBuilder AddMrqHealthChecks(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCheck<MrqStoreHealthCheck>(StoreCheckName, tags: ["mrq", ReadyTag]);
        builder.AddCheck<MrqWorkersHealthCheck>(WorkersCheckName, tags: ["mrq", LiveTag]);
        return builder;
    }
}
