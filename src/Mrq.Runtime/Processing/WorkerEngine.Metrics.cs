using System.Collections.Concurrent;
using Mrq.Diagnostics;

namespace Mrq.Processing;

/// <summary>What the worker shows to the <c>Mrq</c> meter's observable gauges (<see cref="MrqMetrics"/>).</summary>
internal sealed partial class WorkerEngine
{
    private readonly ConcurrentDictionary<string, long> _queueSizes = new(StringComparer.Ordinal);

    string IWorkerGauges.WorkerId => Id;

    long IWorkerGauges.BusyGreenlets => Volatile.Read(ref _running);

    long IWorkerGauges.Greenlets => _settings.Greenlets;

    IReadOnlyCollection<KeyValuePair<string, long>> IWorkerGauges.QueueSizes => _queueSizes;

    /// <summary>
    /// From the monitor, once a second: counts the queued jobs of each regular queue the worker listens to, only while
    /// someone listens to <c>mrq.queue.size</c> (a count is a store query).
    /// </summary>
    private async ValueTask CountQueuesAsync(CancellationToken stop)
    {
        if (!_metrics.QueueSize.Enabled)
        {
            return;
        }

        foreach (var queue in _queues)
        {
            if (queue is RegularQueueSource)
            {
                _queueSizes[queue.Name] = await _store.CountAsync(queue.Name, JobStatus.Queued, stop).ConfigureAwait(false);
            }
        }
    }
}
