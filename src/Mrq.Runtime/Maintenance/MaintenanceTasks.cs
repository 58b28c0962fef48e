using System.Buffers;
using System.Globalization;
using Mrq.Infrastructure;
using Mrq.Serialization;

namespace Mrq.Maintenance;

/// <summary>
/// MRQ's cleaning tasks as built-in tasks with MRQ's paths, so a <c>SCHEDULER_TASKS</c> entry or <c>run</c> can name
/// them: <c>mrq.basetasks.cleaning.RequeueInterruptedJobs</c>, <c>RequeueRetryJobs</c> and
/// <c>RequeueStartedJobs</c> (param <c>timeout</c>, seconds past a job's own timeout, 300 by default). Each allows one
/// run at a time across workers (MRQ's <c>max_concurrency = 1</c>) and returns MRQ's counts. Every worker already runs
/// them as part of its maintenance (<see cref="JobRecovery"/>); scheduling them is for MRQ-style setups.
/// </summary>
internal static class MaintenanceTasks
{
    public const string RequeueInterruptedJobs = "mrq.basetasks.cleaning.RequeueInterruptedJobs";
    public const string RequeueRetryJobs = "mrq.basetasks.cleaning.RequeueRetryJobs";
    public const string RequeueStartedJobs = "mrq.basetasks.cleaning.RequeueStartedJobs";

    public static TaskDescriptor[] Descriptors { get; } =
    [
        Descriptor(RequeueInterruptedJobs, async (m, _) =>
            $"{{\"requeued\": {await JobRecovery.RequeueInterruptedJobsAsync(m.Store, DateTime.UtcNow).ConfigureAwait(false)}, \"cancelled\": 0}}"),
        Descriptor(RequeueRetryJobs, async (m, _) =>
            $"{{\"requeued\": {await JobRecovery.RequeueRetryJobsAsync(m.Store, DateTime.UtcNow).ConfigureAwait(false)}, \"cancelled\": 0}}"),
        Descriptor(RequeueStartedJobs, async (m, parameters) =>
        {
            var margin = MessagePackJson.MapToJsonEntries(parameters).TryGetValue("timeout", out var text)
                && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                ? seconds
                : JobRecovery.DefaultStartedTimeoutMargin;
            var (requeued, started) = await JobRecovery.RequeueStartedJobsAsync(m.Store, m.Policies, DateTime.UtcNow, margin, m.WorkerId).ConfigureAwait(false);
            return $"{{\"requeued\": {requeued}, \"started\": {started}}}";
        }),
    ];

    // The catalog starts with these (an application task with the same path replaces one): Mrq.Runtime's module
    // initializer runs before any code of this assembly, TaskCatalog.Register included, and keeps Infrastructure from
    // depending on Maintenance.
    [System.Runtime.CompilerServices.ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Built-in tasks must be registered before any application task, whoever loads first.")]
    internal static void RegisterBuiltIns() => TaskCatalog.Register(Descriptors);

    private static TaskDescriptor Descriptor(string path, Func<IMaintenanceContext, ReadOnlyMemory<byte>, Task<string>> run) => new()
    {
        Path = path,
        DefaultQueue = "default",
        Options = new Dictionary<string, int> { [TaskOption.MaxConcurrency.ConfigKey] = 1 },
        Invoke = async (context, parameters, result) =>
        {
            var maintenance = context as IMaintenanceContext
                ?? throw new InvalidOperationException($"{path} needs a worker's (or the run command's) job store.");
            result.Write(MessagePackJson.FromJson(await run(maintenance, parameters).ConfigureAwait(false)));
        },
    };
}
