using Microsoft.Extensions.Logging;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// Worker reports (MRQ's <c>mrq_workers</c>): written at start, every <c>report_interval</c> seconds and at stop. The
/// periodic report also checks <c>max_memory</c>, as MRQ does.
/// </summary>
internal sealed partial class WorkerEngine
{
    /// <summary>The window of the usage moving average (MRQ: about a minute).</summary>
    private static readonly TimeSpan s_usageWindow = TimeSpan.FromSeconds(60);

    private readonly ProcessUsageSampler _usage = new();
    private double _usageAvg;

    /// <summary>The worker's current report (what the admin endpoint serves).</summary>
    public WorkerReport CurrentReport() => BuildReport(_usage.Sample());

    private async Task ReportLoopAsync(CancellationToken stop)
    {
        if (_settings.ReportInterval <= 0)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(_settings.ReportInterval);
        using var timer = new PeriodicTimer(interval);
        var alpha = Math.Min(1, interval / s_usageWindow);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                _usageAvg += alpha * ((double)Volatile.Read(ref _running) / _settings.Greenlets - _usageAvg);
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
    private async Task ReportAsync(CancellationToken stop, bool checkMemory = false)
    {
        var usage = _usage.Sample();
        if (checkMemory && _settings.MaxMemory > 0 && usage.MemoryTotal > _settings.MaxMemory * 1024L * 1024L && _selfStopReason is null)
        {
            _selfStopReason = WorkerStopReason.MaxMemory;
            LogReachedMaxMemory(_settings.MaxMemory, usage.MemoryTotal / (1024 * 1024));
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
            await _store.ReportWorkerAsync(BuildReport(usage), stop).ConfigureAwait(false);
            Interlocked.Exchange(ref _lastReported, DateTime.UtcNow.Ticks);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            SideTaskFailed(e, LogReportFailed);
        }
    }

    private WorkerReport BuildReport(WorkerReport.ProcessUsage usage) => new()
    {
        Id = Id,
        Name = Name,
        Status = _status,
        DateStarted = _dateStarted,
        DateReported = DateTime.UtcNow,
        DoneJobs = DoneJobs,
        UsageAvg = Math.Round(_usageAvg, 3),
        Config = new WorkerReport.WorkerConfig
        {
            Queues = _queues.Select(q => q.Name).ToArray(),
            Greenlets = _settings.Greenlets,
            Processes = _settings.Processes,
            MaxJobs = _settings.MaxJobs,
            MaxTime = _settings.MaxTime,
            MaxMemory = _settings.MaxMemory,
            DequeueStrategy = _settings.DequeueStrategy.ToString().ToLowerInvariant(),
            Scheduler = _settings.Scheduler,
            ReportInterval = _settings.ReportInterval,
        },
        Process = usage,
        Jobs = _jobs.Values.Select(r => new WorkerReport.CurrentJob(r.Job.Id, r.Job.Path, r.Job.DateStarted)).OrderBy(j => j.DateStarted).ToArray(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reached max_memory={MaxMemory}MB (using {Used}MB): stopping after the running jobs finish")]
    private partial void LogReachedMaxMemory(int maxMemory, long used);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the worker report: {Message}")]
    private partial void LogReportFailed(string message);
}
