using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mrq.Processing;

namespace Mrq.Hosting;

/// <summary>
/// Liveness: every hosted worker's loop is running and has written its worker report recently (within three report
/// intervals, at least 30 seconds). A worker that ended by itself (burst with empty queues, max_jobs) is healthy; one
/// that failed is not.
/// </summary>
internal sealed class MrqWorkersHealthCheck(IServiceProvider services, MrqWorkerNames names) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var now = DateTime.UtcNow;
        foreach (var name in names.Names)
        {
            var worker = services.GetRequiredKeyedService<HostedWorker>(name);
            var state = Describe(worker, now);
            data[name] = state.Text;
            if (!state.Healthy)
            {
                problems.Add($"{name}: {state.Text}");
            }
        }

        var result = problems.Count == 0
            ? HealthCheckResult.Healthy($"{names.Names.Count} Mrq worker(s) running and reporting.", data)
            : new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", problems), data: data);
        return Task.FromResult(result);
    }

    private static (bool Healthy, string Text) Describe(HostedWorker worker, DateTime now)
    {
        if (worker.Run is not { } run || worker.Engine is not { } engine)
        {
            return (false, "not started");
        }

        if (run.IsFaulted)
        {
            return (false, "failed: " + run.Exception?.GetBaseException().Message);
        }

        if (run.IsCompletedSuccessfully)
        {
            return (true, $"stopped ({run.Result.StopReason}) after {run.Result.DoneJobs} jobs");
        }

        var limit = TimeSpan.FromSeconds(Math.Max(30, 3 * worker.ReportInterval));
        if (worker.ReportInterval > 0 && engine.LastReported is { } reported && now - reported > limit)
        {
            return (false, $"status {engine.Status}, no report for {(now - reported).TotalSeconds:F0}s");
        }

        return (true, $"status {engine.Status}, {engine.DoneJobs} jobs done");
    }
}
