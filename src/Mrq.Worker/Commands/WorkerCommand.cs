using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Storage;
using Mrq.Worker.Supervision;

namespace Mrq.Worker.Commands;

/// <summary>
/// <c>worker QUEUE...</c>: runs jobs until a stop condition, with MRQ's shutdown signals (<see cref="ShutdownSignals"/>).
/// With <c>--processes N</c> it becomes a <see cref="WorkerSupervisor"/> of N worker processes instead.
/// </summary>
internal static class WorkerCommand
{
    public static async Task<int> RunAsync(MrqCommandContext context)
    {
        var settings = context.Settings;
        if (context.Arguments.Count > 0)
        {
            settings.Queues = context.Arguments.ToArray();
        }

        if (context.Client is not StoreClient storeClient)
        {
            throw new InvalidOperationException("The worker needs the store-backed client.");
        }

        var logger = context.Loggers.CreateLogger("mrq.worker");

        // Checked before anything starts, so a supervisor rejects a bad queue once instead of in every child.
        var raw = settings.Queues.Where(RawQueueNames.IsRaw).Distinct(StringComparer.Ordinal).ToDictionary(q => q, FindRawQueue, StringComparer.Ordinal);
        var supervised = SupervisorProtocol.IsSubprocess;
        if (settings.Processes > 0 && !supervised)
        {
            return await new WorkerSupervisor(context.ProgramArguments, settings.Processes, logger).RunAsync().ConfigureAwait(false);
        }

        var policies = TaskPolicies.Create(settings);
        var queues = settings.Queues
            .Select(q => RawQueueNames.IsRaw(q)
                ? (QueueSource)new RawQueueSource(storeClient.Broker, storeClient.Store, q, raw[q], logger)
                : new RegularQueueSource(storeClient.Store, q))
            .ToArray();
        var engine = new WorkerEngine(settings, storeClient.Store, queues, context.Services, logger, () => storeClient.Broker, policies);

        using var signals = new ShutdownSignals(logger, supervised);
        var summary = await engine.RunAsync(signals.StopDequeuing, signals.InterruptJobs).ConfigureAwait(false);
        if (!supervised)
        {
            return 0;
        }

        if (Environment.GetEnvironmentVariable(SupervisorProtocol.SummaryFileVariable) is { Length: > 0 } summaryFile)
        {
            SupervisorProtocol.WriteSummary(summaryFile, summary);
        }

        return summary.WantsReplacement ? SupervisorProtocol.RecycleExitCode : SupervisorProtocol.FinishedExitCode;
    }

    private static RawQueueDescriptor FindRawQueue(string queue)
    {
        var root = RawQueueNames.Root(queue);
        return RawQueueCatalog.TryFind(root, out var descriptor)
            ? descriptor
            : throw new MrqConfigurationException(
                $"queue '{queue}': no job factory is declared for the raw queue '{root}'. Declare one with [MrqRawQueue(\"{root}\")] on a static method taking the raw param.");
    }
}
