using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mrq.Hosting;

/// <summary>Readiness: the job store and the raw-queue broker answer a cheap read.</summary>
internal sealed class MrqStoreHealthCheck(IMrqClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (client is not StoreClient stores)
        {
            return HealthCheckResult.Healthy("The Mrq client is not store-backed; nothing to check.");
        }

        var part = "job store";
        try
        {
            // A lookup of an id no job has: one indexed read.
            await stores.Store.GetAsync(default, cancellationToken).ConfigureAwait(false);
            part = "raw-queue broker";
            await stores.Broker.GetPausedQueuesAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The Mrq job store and broker answer.");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The Mrq {part} does not answer: {e.Message}", e);
        }
    }
}
