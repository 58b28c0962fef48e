using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Storage;

namespace Mrq.Worker.Commands;

/// <summary>
/// <c>worker QUEUE...</c>: runs jobs until a stop condition. The first SIGINT stops dequeuing and waits for running
/// jobs; a second SIGINT or a SIGTERM also cancels the running jobs' tokens.
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

        var policies = TaskPolicies.Create(settings);
        var logger = context.Loggers.CreateLogger("mrq.worker");
        var raw = settings.Queues.Where(RawQueueNames.IsRaw).Select(q => (Queue: q, Descriptor: FindRawQueue(q))).ToArray();
        var queues = settings.Queues
            .Select(q => RawQueueNames.IsRaw(q)
                ? (QueueSource)new RawQueueSource(storeClient.Broker, storeClient.Store, q, raw.First(r => r.Queue == q).Descriptor, logger)
                : new RegularQueueSource(storeClient.Store, q))
            .ToArray();
        var engine = new WorkerEngine(settings, storeClient.Store, queues, context.Services, logger, () => storeClient.Broker, policies);

        using var stopDequeuing = new CancellationTokenSource();
        using var interruptJobs = new CancellationTokenSource();
        var interrupts = 0;
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            if (signal.Signal == PosixSignal.SIGINT && Interlocked.Increment(ref interrupts) == 1)
            {
                logger.LogInformation("Received SIGINT: stopping after the running jobs finish (send it again to interrupt them)");
                stopDequeuing.Cancel();
                return;
            }

            logger.LogWarning("Received {Signal}: interrupting running jobs", signal.Signal);
            stopDequeuing.Cancel();
            interruptJobs.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        await engine.RunAsync(stopDequeuing.Token, interruptJobs.Token).ConfigureAwait(false);
        return 0;
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
