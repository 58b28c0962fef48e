using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Diagnostics;
using Mrq.Maintenance;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// A worker: composes the <see cref="DequeueLoop"/>, the <see cref="JobExecutor"/>, the <see cref="WorkerMonitor"/>,
/// the <see cref="WorkerReporter"/> and the <see cref="SchedulerLoop"/> around one <see cref="WorkerState"/> and
/// <see cref="StatusWriter"/>, and owns their lifecycle: start, stop, forced stop (interrupt) and the run summary.
/// </summary>
internal sealed partial class WorkerEngine : IMaintenanceContext
{
    private static readonly TimeSpan s_forcedStopGrace = TimeSpan.FromSeconds(10);

    private readonly MrqSettings _settings;
    private readonly IJobStore _store;
    private readonly IReadOnlyList<QueueSource> _queues;
    private readonly ILogger _logger;
    private readonly TaskPolicies _policies;
    private readonly MrqMetrics _metrics;
    private readonly WorkerState _state;
    private readonly StatusWriter _statusWriter;
    private readonly PauseFilter _pauses;
    private readonly IdleWait _idleWait;
    private readonly JobExecutor _executor;
    private readonly DequeueLoop _loop;
    private readonly WorkerReporter _reporter;
    private readonly WorkerMonitor _monitor;
    private readonly SchedulerLoop _scheduler;

    public WorkerEngine(MrqSettings settings, IJobStore store, IReadOnlyList<QueueSource> queues, IServiceProvider services, ILogger logger, Func<IQueueBroker>? broker = null, TaskPolicies? policies = null)
    {
        _settings = settings;
        _store = store;
        _queues = queues;
        _logger = logger;
        _policies = policies ?? TaskPolicies.Create(settings);
        _metrics = MrqMetrics.For(services);
        _state = new WorkerState(JobId.NewId().ToString(), settings.Name ?? $"{Environment.MachineName}.{Environment.ProcessId}", settings.Greenlets);

        // Pauses, the broker's wake-ups and the scheduler need a broker; concurrency limits fail their job without one.
        var slots = new Lazy<IQueueBroker>(broker ?? (() => throw new InvalidOperationException("This worker has no broker for concurrency limits.")));
        var optionalBroker = broker is null ? null : slots;
        var outage = new StoreOutage(logger);
        var failures = new SideTaskFailures(outage);
        _statusWriter = new StatusWriter(store, logger, outage);
        _pauses = new PauseFilter(settings, queues, optionalBroker, failures, logger);
        _idleWait = new IdleWait(settings, store, queues, optionalBroker, _state, _statusWriter, logger);
        var quietQueues = QueuesConfig.QuietQueues(settings);
        var notifier = new QueueNotifier(() => store, () => optionalBroker?.Value, () => quietQueues);
        _executor = new JobExecutor(settings, store, _state, _policies, services, logger, slots, _statusWriter, _metrics, failures, this, notifier);
        _loop = new DequeueLoop(settings, _state, _executor, _statusWriter, outage, _pauses, _idleWait, logger);
        _reporter = new WorkerReporter(settings, store, _state, queues, _metrics, failures, logger);
        _monitor = new WorkerMonitor(settings, store, _policies, _state, _executor, _pauses, _reporter, failures, logger);
        _scheduler = new SchedulerLoop(settings, store, optionalBroker, _state.Id, logger);
    }

    IJobStore IMaintenanceContext.Store => _store;

    TaskPolicies IMaintenanceContext.Policies => _policies;

    string? IMaintenanceContext.WorkerId => Id;

    /// <summary>The worker's id, stored on the jobs it runs.</summary>
    public string Id => _state.Id;

    /// <summary>The worker's display name.</summary>
    public string Name => _state.Name;

    /// <summary>
    /// How long a forced stop waits for interrupted tasks to observe their cancelled token (their status is already
    /// <c>interrupt</c>). A hosted worker shortens it to fit in the host's shutdown timeout.
    /// </summary>
    public TimeSpan ForcedStopGrace { get; init; } = s_forcedStopGrace;

    /// <summary>The worker's status (MRQ's <c>init</c>, <c>wait</c>, <c>spawn</c>, <c>full</c>, <c>join</c>, <c>kill</c>, <c>stop</c>).</summary>
    public string Status => _state.Status;

    /// <summary>When the worker's last report was written to the store; null before the first.</summary>
    public DateTime? LastReported => _reporter.LastReported;

    /// <summary>Jobs finished so far, whatever their outcome.</summary>
    public long DoneJobs => _state.DoneJobs;

    /// <summary>The worker's shared counters and running jobs (the benchmarks sample how many greenlets are taken).</summary>
    internal WorkerState State => _state;

    /// <summary>The worker's current report (what the admin endpoint serves).</summary>
    public WorkerReport CurrentReport() => _reporter.CurrentReport();

    /// <summary>Completes once the worker is idle (MRQ's <c>wait_for_idle</c>); false when it stopped first (or <paramref name="cancellationToken"/> fired).</summary>
    public Task<bool> WaitForIdleAsync(Task stopped, CancellationToken cancellationToken) => _loop.WaitForIdleAsync(stopped, cancellationToken);

    /// <summary>
    /// Runs until a stop condition (burst and empty queues, max_jobs, max_time, or <paramref name="stopDequeuing"/>),
    /// waits for running jobs, writes their statuses and returns the summary MRQ prints.
    /// </summary>
    public async Task<WorkerRunSummary> RunAsync(CancellationToken stopDequeuing, CancellationToken interruptJobs)
    {
        _executor.InterruptJobs = interruptJobs;
        var clock = Stopwatch.StartNew();
        var reason = WorkerStopReason.Stopped;
        _state.DateStarted = DateTime.UtcNow;
        LogStarting(_queues.Count, string.Join(" ", _queues.Select(q => q.Name)), _settings.Greenlets);
        if (_settings.MongoDbJobs is not null && _settings.Redis is null)
        {
            // MRQ always has Redis; without it the broker is a local file, which workers on other machines do not see.
            LogLocalBroker(Path.GetFullPath(_settings.EmbeddedDb));
        }

        // Stopped by the caller (signals) or by the worker itself (max_memory).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopDequeuing);

        // Reported before the first claim: other workers take a started job whose worker has no report for orphaned.
        _state.Status = WorkerStatus.Started;
        await _reporter.ReportAsync(CancellationToken.None).ConfigureAwait(false);
        await _pauses.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        await _idleWait.SubscribeAsync().ConfigureAwait(false);

        _metrics.Observe(_reporter);
        await using (_statusWriter.ConfigureAwait(false))
        {
            using var stopMonitor = new CancellationTokenSource();
            var monitor = Task.Run(() => _monitor.RunAsync(stop.Token, stopMonitor.Token), CancellationToken.None);
            var reports = Task.Run(() => _reporter.RunAsync(stop, stopMonitor.Token), CancellationToken.None);
            var scheduler = Task.Run(() => _scheduler.RunAsync(stop.Token), CancellationToken.None);
            try
            {
                reason = await _loop.RunAsync(clock, stop.Token).ConfigureAwait(false);

                // Stopped between two passes rather than inside one: max_memory's stop must still ask for a replacement.
                reason = reason == WorkerStopReason.Stopped ? _reporter.StopReason ?? reason : reason;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // A graceful stop: fall through to wait for running jobs.
                reason = _reporter.StopReason ?? WorkerStopReason.Stopped;
            }
            finally
            {
                // The loop is over whatever ended it: the scheduler and recovery stop with it.
                await stop.CancelAsync().ConfigureAwait(false);
                _state.Status = WorkerStatus.Join;
                await JoinAsync(interruptJobs).ConfigureAwait(false);
                await stopMonitor.CancelAsync().ConfigureAwait(false);
                await monitor.ConfigureAwait(false);
                await reports.ConfigureAwait(false);
                await scheduler.ConfigureAwait(false);
                await _idleWait.UnsubscribeAsync().ConfigureAwait(false);
                foreach (var queue in _queues)
                {
                    await queue.ReleaseAsync().ConfigureAwait(false);
                }

                _metrics.Unobserve(_reporter);
            }
        }

        // Every status is written now: the final report shows no running job.
        _state.Status = WorkerStatus.Stop;
        await _reporter.ReportAsync(CancellationToken.None).ConfigureAwait(false);
        var summary = new WorkerRunSummary(clock.Elapsed, DoneJobs) { StopReason = reason };
        LogSummary(summary.ToString());
        return summary;
    }

    /// <summary>
    /// Waits for running jobs. After a forced stop, every running job is marked <c>interrupt</c> at once and the worker
    /// waits a little for the tasks to observe their cancelled tokens; a task that ignores its token is left behind.
    /// </summary>
    private async Task JoinAsync(CancellationToken interruptJobs)
    {
        using var forced = new CancellationTokenSource();
        using var registration = interruptJobs.Register(() =>
        {
            _state.Status = WorkerStatus.Kill;
            _executor.InterruptAll();
            forced.CancelAfter(ForcedStopGrace);
        });
        while (_state.Running > 0)
        {
            await _statusWriter.WritePostedAsync().ConfigureAwait(false);
            try
            {
                await _state.WaitForWakeAsync(forced.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LogLeftBehind(_state.Running, ForcedStopGrace.TotalSeconds);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting worker on {QueueCount} queues ({Queues}) with {Greenlets} greenlets")]
    private partial void LogStarting(int queueCount, string queues, int greenlets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Jobs are in MongoDB but redis is not set: queue pauses, max concurrency, rate limits, the scheduler's lock and raw queues live in {Path}, shared only by the processes of this machine; set redis when workers run on several machines")]
    private partial void LogLocalBroker(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Summary}")]
    private partial void LogSummary(string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} job(s) still running {Grace}s after a forced stop ignore their CancellationToken; exiting without them (their status is interrupt)")]
    private partial void LogLeftBehind(int count, double grace);
}
