using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Processing;
using Mrq.Worker.Admin;
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
        QueueSources.Validate(settings.Queues);
        var policies = TaskPolicies.Create(settings);
        QueuesConfig.QuietQueues(settings);
        if (settings.Scheduler)
        {
            Scheduling.SchedulerConfig.Read(settings);
        }
        // Opened now, before any child or job: an unreachable server or an unusable store file stops the command
        // with one line (MrqStoreUnavailableException, exit 1) instead of surfacing mid-run or in every child.
        _ = storeClient.Store;
        if (settings.Redis is not null || settings.Queues.Any(Storage.RawQueueNames.IsRaw))
        {
            _ = storeClient.Broker;
        }

        var supervised = SupervisorProtocol.IsSubprocess;
        if (settings.Processes > 0 && !supervised)
        {
            return await new WorkerSupervisor(context.ProgramArguments, settings.Processes, logger).RunAsync().ConfigureAwait(false);
        }

        var queues = QueueSources.Create(settings, storeClient.Store, () => storeClient.Broker, logger);
        var engine = new WorkerEngine(settings, storeClient.Store, queues, context.Services, logger, () => storeClient.Broker, policies);

        using var signals = new ShutdownSignals(logger, supervised);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // As MRQ: no admin endpoint when several processes would compete for the port.
        var admin = settings.AdminPort > 0 && settings.Processes <= 1
            ? AdminServer.Start(settings.AdminIp, settings.AdminPort, engine, stopped.Task, logger)
            : null;
        WorkerRunSummary summary;
        try
        {
            summary = await engine.RunAsync(signals.StopDequeuing, signals.InterruptJobs).ConfigureAwait(false);
        }
        finally
        {
            stopped.TrySetResult();
            if (admin is not null)
            {
                await admin.DisposeAsync().ConfigureAwait(false);
            }
        }

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
}
