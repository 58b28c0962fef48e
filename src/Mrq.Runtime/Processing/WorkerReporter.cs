using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Diagnostics;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// Worker reports (MRQ's <c>mrq_workers</c>): written at start, every <c>report_interval</c> seconds and at stop; the
/// periodic report also checks <c>max_memory</c>, as MRQ does. Also what the worker shows to the <c>Mrq</c> meter's
/// observable gauges (<see cref="MrqMetrics"/>).
/// </summary>
internal sealed partial class WorkerReporter(MrqSettings settings, IJobStore store, WorkerState state, IReadOnlyList<QueueSource> queues, MrqMetrics metrics, SideTaskFailures failures, ILogger logger) : IWorkerGauges
{
    /// <summary>The window of the usage moving average (MRQ: about a minute).</summary>
    private static readonly TimeSpan s_usageWindow = TimeSpan.FromSeconds(60);

    private readonly ILogger _logger = logger;
    private readonly ProcessUsageSampler _usage = new();
    private readonly ConcurrentDictionary<string, long> _queueSizes = new(StringComparer.Ordinal);
    private double _usageAvg;
    private long _lastReported;
    private CancellationTokenSource? _selfStop;

    string IWorkerGauges.WorkerId => state.Id;

    long IWorkerGauges.BusyGreenlets => BusyGreenlets;

    long IWorkerGauges.Greenlets => settings.Greenlets;

    IReadOnlyCollection<KeyValuePair<string, long>> IWorkerGauges.QueueSizes => _queueSizes;

    IEnumerable<KeyValuePair<string, bool>> IWorkerGauges.RateLimitedQueues =>
        queues.OfType<RateLimitedQueueSource>().Select(q => new KeyValuePair<string, bool>(q.Name, q.LimitedUntil is not null));

    // Jobs claimed ahead wait only while every greenlet is busy.
    private int BusyGreenlets => Math.Min(state.Running, settings.Greenlets);

    /// <summary>When the worker's last report was written to the store; null before the first.</summary>
    public DateTime? LastReported => Interlocked.Read(ref _lastReported) is var ticks && ticks > 0 ? new DateTime(ticks, DateTimeKind.Utc) : null;

    /// <summary>Why the worker stopped itself (<c>max_memory</c>), if it did.</summary>
    public WorkerStopReason? StopReason { get; private set; }

    /// <summary>The worker's current report (what the admin endpoint serves).</summary>
    public WorkerReport CurrentReport() => BuildReport(_usage.Sample());

    /// <summary>Reports every <c>report_interval</c> until <paramref name="stop"/>; <c>max_memory</c> cancels <paramref name="selfStop"/>.</summary>
    public async Task RunAsync(CancellationTokenSource selfStop, CancellationToken stop)
    {
        _selfStop = selfStop;
        if (settings.ReportInterval <= 0)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(settings.ReportInterval);
        using var timer = new PeriodicTimer(interval);
        var alpha = Math.Min(1, interval / s_usageWindow);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                _usageAvg += alpha * ((double)BusyGreenlets / settings.Greenlets - _usageAvg);
                await ReportAsync(stop, checkMemory: true).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Writes the report (a failure is logged, never fatal: the next report tries again). Periodic reports also check
    /// max_memory (as MRQ: not at start, where a process already over the limit would stop before doing anything).
    /// </summary>
    public async Task ReportAsync(CancellationToken stop, bool checkMemory = false)
    {
        var usage = _usage.Sample();
        if (checkMemory && settings.MaxMemory > 0 && usage.MemoryTotal > settings.MaxMemory * 1024L * 1024L && StopReason is null)
        {
            StopReason = WorkerStopReason.MaxMemory;
            LogReachedMaxMemory(settings.MaxMemory, usage.MemoryTotal / (1024 * 1024));
            try
            {
                await _selfStop!.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // Already stopped.
            }
        }

        try
        {
            await store.ReportWorkerAsync(BuildReport(usage), stop).ConfigureAwait(false);
            Interlocked.Exchange(ref _lastReported, DateTime.UtcNow.Ticks);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            failures.Report(e, LogReportFailed);
        }
    }

    /// <summary>
    /// From the monitor, once a second: counts the queued jobs of each regular queue the worker listens to, only while
    /// someone listens to <c>mrq.queue.size</c> (a count is a store query).
    /// </summary>
    public async ValueTask CountQueuesAsync(CancellationToken stop)
    {
        if (!metrics.QueueSize.Enabled)
        {
            return;
        }

        foreach (var queue in queues)
        {
            if (queue is RegularQueueSource)
            {
                _queueSizes[queue.Name] = await store.CountAsync(queue.Name, JobStatus.Queued, stop).ConfigureAwait(false);
            }
        }
    }

    private WorkerReport BuildReport(WorkerReport.ProcessUsage usage) => new()
    {
        Id = state.Id,
        Name = state.Name,
        Status = state.Status,
        DateStarted = state.DateStarted,
        DateReported = DateTime.UtcNow,
        DoneJobs = state.DoneJobs,
        UsageAvg = Math.Round(_usageAvg, 3),
        Config = new WorkerReport.WorkerConfig
        {
            Queues = queues.Select(q => q.Name).ToArray(),
            Greenlets = settings.Greenlets,
            Processes = settings.Processes,
            MaxJobs = settings.MaxJobs,
            MaxTime = settings.MaxTime,
            MaxMemory = settings.MaxMemory,
            DequeueStrategy = settings.DequeueStrategy.ToString().ToLowerInvariant(),
            Scheduler = settings.Scheduler,
            ReportInterval = settings.ReportInterval,
        },
        Process = usage,
        // The jobs on its greenlets, as in MRQ: those claimed ahead are waiting for one (started in the store all the same).
        Jobs = state.Jobs.Where(r => r.HasStarted).Select(r => new WorkerReport.CurrentJob(r.Job.Id, r.Job.Path, r.Job.DateStarted)).OrderBy(j => j.DateStarted).ToArray(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reached max_memory={MaxMemory}MB (using {Used}MB): stopping after the running jobs finish")]
    private partial void LogReachedMaxMemory(int maxMemory, long used);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the worker report: {Message}")]
    private partial void LogReportFailed(string message);
}
