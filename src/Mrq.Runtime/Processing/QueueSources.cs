using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>Turns the queue names a worker listens to into queue sources, with MRQ's naming rules.</summary>
internal static class QueueSources
{
    /// <summary>
    /// One source per name, in priority order: raw queues (by suffix) read from the broker through their declared job
    /// factory; other names are regular queues (<c>_reverse</c>: newest first; <c>x/</c>: the subqueues of x), claimed
    /// with the task whitelist or blacklist of <paramref name="settings"/>. A queue with a <c>rate_limit</c>
    /// (<see cref="QueuesConfig"/>) claims under it (<see cref="RateLimitedQueueSource"/>).
    /// </summary>
    /// <exception cref="MrqConfigurationException">A raw queue has no declared job factory.</exception>
    public static QueueSource[] Create(MrqSettings settings, IJobStore store, Func<IQueueBroker> broker, ILogger logger)
    {
        var options = ClaimOptions.Fifo with
        {
            OnlyPaths = settings.TaskWhitelist,
            ExceptPaths = settings.TaskWhitelist is null ? settings.TaskBlacklist : null,
        };
        var refresh = TimeSpan.FromSeconds(settings.SubqueuesRefreshInterval);
        var limits = QueuesConfig.RateLimits(settings);
        var counters = new Lazy<IRateLimits>(broker);
        return settings.Queues
            .Select(q => RawQueueNames.IsRaw(q)
                ? new RawQueueSource(broker(), store, q, FindRawQueue(q), logger, settings.PipelineRawDequeue)
                : q.EndsWith('/')
                    ? new SubqueuesSource(store, q, options, refresh)
                    : (QueueSource)new RegularQueueSource(store, q, options))
            .Select(source => QueuesConfig.RateLimitOf(limits, source.PauseName) is { } limit ? new RateLimitedQueueSource(source, counters, limit, logger) : source)
            .ToArray();
    }

    /// <summary>Checks that every raw queue of <paramref name="queues"/> has a job factory, without opening anything.</summary>
    /// <exception cref="MrqConfigurationException">A raw queue has no declared job factory.</exception>
    public static void Validate(IEnumerable<string> queues)
    {
        foreach (var queue in queues.Where(RawQueueNames.IsRaw))
        {
            FindRawQueue(queue);
        }
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
