using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Diagnostics;
using Mrq.Infrastructure;
using Mrq.Maintenance;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// MRQ's worker loop: keeps up to <c>greenlets</c> jobs in flight, asks each queue for as many jobs as there are free
/// slots (one round trip per batch), runs them on the thread pool and hands their outcomes to a group-commit writer.
/// </summary>
internal sealed partial class WorkerEngine : IMaintenanceContext, IWorkerGauges
{
    private readonly MrqSettings _settings;
    private readonly IJobStore _store;
    private readonly IReadOnlyList<QueueSource> _queues;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly StoreOutage _outage;
    private static readonly TimeSpan s_sideFailureRepeat = TimeSpan.FromMinutes(5);
    private readonly Lock _sideFailureGate = new();
    private string? _lastSideFailure;
    private DateTime _lastSideFailureLogged;
    private static readonly TimeSpan s_monitorInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_purgeInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_forcedStopGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_maxRefillWait = TimeSpan.FromMilliseconds(10);

    // Released when a job's slot frees or an outcome is posted: the loop wakes to claim and to carry outcomes to the store.
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly ConcurrentQueue<ArrayBufferWriter<byte>> _resultBuffers = new();
    private readonly TaskPolicies _policies;
    private readonly Lazy<IQueueBroker> _broker;
    private readonly bool _hasBroker;
    private readonly ConcurrentDictionary<JobId, RunningJob> _jobs = new();
    private readonly Action<JobId, double> _reportProgress;
    private readonly Func<RunningJob, Task> _runJob;
    private readonly MrqMetrics _metrics;
    private StatusWriter? _statusWriter;
    private CancellationToken _interruptJobs;
    private int _running;
    private long _doneJobs;
    private DateTime _dateStarted;
    private volatile string _status = WorkerStatus.Init;
    private CancellationTokenSource? _selfStop;
    private WorkerStopReason? _selfStopReason;
    private long _lastReported;

    public WorkerEngine(MrqSettings settings, IJobStore store, IReadOnlyList<QueueSource> queues, IServiceProvider services, ILogger logger, Func<IQueueBroker>? broker = null, TaskPolicies? policies = null)
    {
        _settings = settings;
        _policies = policies ?? TaskPolicies.Create(settings);
        _hasBroker = broker is not null;
        _broker = new Lazy<IQueueBroker>(broker ?? (() => throw new InvalidOperationException("This worker has no broker for concurrency limits.")));
        _reportProgress = ReportProgress;
        _runJob = RunJobAsync;
        _store = store;
        _queues = queues;
        _services = services;
        _logger = logger;
        _outage = new StoreOutage(logger);
        _metrics = MrqMetrics.For(services);
        Id = JobId.NewId().ToString();
        Name = settings.Name ?? $"{Environment.MachineName}.{Environment.ProcessId}";
    }

    IJobStore IMaintenanceContext.Store => _store;

    TaskPolicies IMaintenanceContext.Policies => _policies;

    string? IMaintenanceContext.WorkerId => Id;

    /// <summary>The worker's id, stored on the jobs it runs.</summary>
    public string Id { get; }

    /// <summary>The worker's display name.</summary>
    public string Name { get; }

    /// <summary>
    /// How long a forced stop waits for interrupted tasks to observe their cancelled token (their status is already
    /// <c>interrupt</c>). A hosted worker shortens it to fit in the host's shutdown timeout.
    /// </summary>
    public TimeSpan ForcedStopGrace { get; init; } = s_forcedStopGrace;

    /// <summary>The worker's status (MRQ's <c>init</c>, <c>wait</c>, <c>spawn</c>, <c>full</c>, <c>join</c>, <c>kill</c>, <c>stop</c>).</summary>
    public string Status => _status;

    /// <summary>When the worker's last report was written to the store; null before the first.</summary>
    public DateTime? LastReported => Interlocked.Read(ref _lastReported) is var ticks && ticks > 0 ? new DateTime(ticks, DateTimeKind.Utc) : null;

    /// <summary>Jobs finished so far, whatever their outcome.</summary>
    public long DoneJobs => Interlocked.Read(ref _doneJobs);

    /// <summary>
    /// Runs until a stop condition (burst and empty queues, max_jobs, max_time, or <paramref name="stopDequeuing"/>),
    /// waits for running jobs, writes their statuses and returns the summary MRQ prints.
    /// </summary>
    public async Task<WorkerRunSummary> RunAsync(CancellationToken stopDequeuing, CancellationToken interruptJobs)
    {
        _interruptJobs = interruptJobs;
        var clock = Stopwatch.StartNew();
        var reason = WorkerStopReason.Stopped;
        _dateStarted = DateTime.UtcNow;
        LogStarting(_queues.Count, string.Join(" ", _queues.Select(q => q.Name)), _settings.Greenlets);

        // Stopped by the caller (signals) or by the worker itself (max_memory).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopDequeuing);
        _selfStop = stop;

        // Reported before the first claim: other workers take a started job whose worker has no report for orphaned.
        _status = WorkerStatus.Started;
        await ReportAsync(CancellationToken.None).ConfigureAwait(false);
        await RefreshPausedQueuesAsync(CancellationToken.None).ConfigureAwait(false);
        await SubscribeToWakeupsAsync().ConfigureAwait(false);

        _metrics.Observe(this);
        await using (_statusWriter = new StatusWriter(_store, _logger, _outage))
        {
            using var stopMonitor = new CancellationTokenSource();
            var monitor = Task.Run(() => MonitorAsync(stop.Token, stopMonitor.Token), CancellationToken.None);
            var reports = Task.Run(() => ReportLoopAsync(stopMonitor.Token), CancellationToken.None);
            var scheduler = Task.Run(() => SchedulerLoopAsync(stop.Token), CancellationToken.None);
            try
            {
                reason = await WorkLoopAsync(clock, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // A graceful stop: fall through to wait for running jobs.
                reason = _selfStopReason ?? WorkerStopReason.Stopped;
            }
            finally
            {
                // The loop is over whatever ended it: the scheduler and recovery stop with it.
                await stop.CancelAsync().ConfigureAwait(false);
                _status = WorkerStatus.Join;
                await JoinAsync(interruptJobs).ConfigureAwait(false);
                await stopMonitor.CancelAsync().ConfigureAwait(false);
                await monitor.ConfigureAwait(false);
                await reports.ConfigureAwait(false);
                await scheduler.ConfigureAwait(false);
                await UnsubscribeFromWakeupsAsync().ConfigureAwait(false);
                foreach (var queue in _queues)
                {
                    await queue.ReleaseAsync().ConfigureAwait(false);
                }

                _metrics.Unobserve(this);
            }
        }

        // Every status is written now: the final report shows no running job.
        _status = WorkerStatus.Stop;
        await ReportAsync(CancellationToken.None).ConfigureAwait(false);
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
            InterruptAll();
            forced.CancelAfter(ForcedStopGrace);
        });
        while (Volatile.Read(ref _running) > 0)
        {
            await _statusWriter!.WritePostedAsync().ConfigureAwait(false);
            try
            {
                await _wake.WaitAsync(forced.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LogLeftBehind(Volatile.Read(ref _running), ForcedStopGrace.TotalSeconds);
                return;
            }
        }
    }

    private void InterruptAll()
    {
        _status = WorkerStatus.Kill;
        var now = DateTime.UtcNow;
        foreach (var running in _jobs.Values)
        {
            running.Cancel(JobStatus.Interrupt);
            if (running.TryFinish())
            {
                Post(running, Outcomes.Interrupted(running, JobStatus.Interrupt, now));
            }
        }

        Wake();
    }

    /// <summary>
    /// Once a second: times out jobs past their deadline, cancels the tokens of jobs cancelled or requeued while they
    /// run, requeues due retries; every report interval (until the worker stops dequeuing): requeues the jobs of dead
    /// workers and interrupted jobs; once a minute: purges expired jobs and old worker reports.
    /// </summary>
    private async Task MonitorAsync(CancellationToken stopping, CancellationToken stop)
    {
        var lastPurge = DateTime.MinValue;
        var lastRecovery = DateTime.MinValue;
        var lastPausedRefresh = DateTime.UtcNow;
        var recoveryInterval = TimeSpan.FromSeconds(_settings.ReportInterval > 0 ? Math.Max(_settings.ReportInterval, 1) : 10);
        var ids = new List<JobId>();
        using var timer = new PeriodicTimer(s_monitorInterval);
        while (true)
        {
            try
            {
                if (!await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var now = DateTime.UtcNow;
                ids.Clear();
                foreach (var running in _jobs.Values)
                {
                    if (now >= running.Deadline && running.TryFinish())
                    {
                        running.Cancel(JobStatus.Timeout);
                        LogTimedOut(running.Job.Path, running.Job.Id, running.Policy.Timeout);
                        Post(running, Outcomes.Interrupted(running, JobStatus.Timeout, now));
                        Wake();
                    }
                    else if (running.Job.Stored)
                    {
                        ids.Add(running.Job.Id);
                    }
                }

                foreach (var lost in await _store.FindLostClaimsAsync(ids, Id, stop).ConfigureAwait(false))
                {
                    if (_jobs.TryGetValue(lost, out var running) && running.TryFinish())
                    {
                        // Cancelled or requeued while running: its new status stays; the task is asked to stop.
                        running.Cancel(JobStatus.Cancel);
                        LogClaimLost(running.Job.Path, lost);
                    }
                }

                await JobRecovery.RequeueRetryJobsAsync(_store, now, stop).ConfigureAwait(false);
                await CountQueuesAsync(stop).ConfigureAwait(false);
                if (!stopping.IsCancellationRequested && now - lastRecovery >= recoveryInterval)
                {
                    // Not while stopping: a worker going down with its siblings must not requeue what they just interrupted.
                    lastRecovery = now;
                    await RecoverAsync(now, stop).ConfigureAwait(false);
                }

                if (_settings.PausedQueuesRefreshInterval > 0 && now - lastPausedRefresh >= TimeSpan.FromSeconds(_settings.PausedQueuesRefreshInterval))
                {
                    lastPausedRefresh = now;
                    await RefreshPausedQueuesAsync(stop).ConfigureAwait(false);
                }

                if (now - lastPurge >= s_purgeInterval)
                {
                    lastPurge = now;
                    await _store.PurgeExpiredAsync(now, stop).ConfigureAwait(false);
                    await _store.DeleteWorkersReportedBeforeAsync(now - JobRecovery.ReportTtl, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                SideTaskFailed(e, LogMonitorFailed);
            }
        }
    }

    /// <summary>
    /// A failure of maintenance, reports or the paused-queue refresh. During an outage of the loop's store it says
    /// nothing more; otherwise it is logged with <paramref name="log"/>, the same reason at most once every
    /// <see cref="s_sideFailureRepeat"/> (a Redis used only for pauses and slots, away for an hour, is one line, not
    /// one every refresh).
    /// </summary>
    private void SideTaskFailed(Exception e, Action<string> log)
    {
        if (_outage.Active)
        {
            return;
        }

        var reason = StoreOutage.Describe(e);
        var now = DateTime.UtcNow;
        lock (_sideFailureGate)
        {
            if (reason == _lastSideFailure && now - _lastSideFailureLogged < s_sideFailureRepeat)
            {
                return;
            }

            _lastSideFailure = reason;
            _lastSideFailureLogged = now;
        }

        log(reason);
    }

    /// <summary>MRQ's RequeueStartedJobs and RequeueInterruptedJobs, run by every worker.</summary>
    private async Task RecoverAsync(DateTime now, CancellationToken stop)
    {
        var (requeued, _) = await JobRecovery.RequeueStartedJobsAsync(_store, _policies, now, JobRecovery.DefaultStartedTimeoutMargin, Id, stop).ConfigureAwait(false);
        if (requeued > 0)
        {
            LogRequeuedStarted(requeued);
        }

        var interrupted = await JobRecovery.RequeueInterruptedJobsAsync(_store, now, stop).ConfigureAwait(false);
        if (interrupted > 0)
        {
            LogRequeuedInterrupted(interrupted);
        }
    }

    private void ReportProgress(JobId id, double progress)
    {
        _ = Report();

        async Task Report()
        {
            try
            {
                await _store.SetProgressAsync(id, progress).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                SideTaskFailed(e, LogMonitorFailed);
            }
        }
    }

    private async Task<WorkerStopReason> WorkLoopAsync(Stopwatch clock, CancellationToken stop)
    {
        var claimed = new List<ClaimedJob>(_settings.Greenlets);
        var queueOffset = 0;
        var lastLook = false;
        var maxTime = _settings.MaxTime > 0 ? TimeSpan.FromSeconds(_settings.MaxTime) : TimeSpan.MaxValue;
        var latency = TimeSpan.FromSeconds(_settings.MaxLatency);
        var refillWait = TimeSpan.Zero;

        while (!stop.IsCancellationRequested)
        {
            if (clock.Elapsed >= maxTime)
            {
                LogReachedMaxTime(_settings.MaxTime);
                return WorkerStopReason.MaxTime;
            }

            if (refillWait > TimeSpan.Zero)
            {
                await WaitToRefillAsync(refillWait, stop).ConfigureAwait(false);
            }

            // Outcomes posted since the last pass ride along with this pass's first claim (one store transaction).
            var outcomes = _statusWriter!.TakePosted();
            var free = _settings.Greenlets - Volatile.Read(ref _running);
            if (_settings.MaxJobs > 0)
            {
                free = Math.Min(free, _settings.MaxJobs - (int)(Volatile.Read(ref _running) + DoneJobs));
                if (DoneJobs >= _settings.MaxJobs)
                {
                    LogReachedMaxJobs(_settings.MaxJobs);
                    return WorkerStopReason.MaxJobs;
                }
            }

            if (free <= 0)
            {
                // Full: wait for any job to finish (its release wakes us), then look again.
                await _statusWriter.WriteTakenAsync(stop).ConfigureAwait(false);
                _status = WorkerStatus.Full;
                await WaitForFreeSlotAsync(stop).ConfigureAwait(false);
                continue;
            }

            _status = WorkerStatus.Spawn;
            var queues = ActiveQueues();
            var dequeued = 0;
            var visited = 0;
            Exception? failure = null;
            var passStarted = Stopwatch.GetTimestamp();
            for (; visited < queues.Count; visited++)
            {
                var want = free - dequeued;
                if (want <= 0)
                {
                    break;
                }

                if (_settings.DequeueStrategy == DequeueStrategy.Parallel)
                {
                    want = Math.Max(1, want / (queues.Count - visited));
                }

                var queue = queues[(visited + queueOffset) % queues.Count];
                claimed.Clear();
                int count;
                try
                {
                    count = await queue.DequeueAsync(want, Id, claimed, outcomes, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    // A store or broker away: the other queues may still answer; the pass backs off below if none did.
                    failure ??= e;
                    count = 0;
                }

                if (count > 0)
                {
                    Start(claimed, count);
                }

                dequeued += count;
            }

            if (_settings.DequeueStrategy == DequeueStrategy.Parallel && queues.Count > 0)
            {
                queueOffset = (queueOffset + visited + 1) % queues.Count;
            }

            // No claim carried them (nothing to claim, raw queues that store nothing, all queues paused).
            await _statusWriter.WriteTakenAsync(stop).ConfigureAwait(false);

            if (failure is null)
            {
                _outage.Succeeded();
            }
            else if (dequeued == 0)
            {
                // Not an empty pass: a burst worker waits for the store to come back instead of stopping.
                await _outage.BackOffAsync(failure, stop).ConfigureAwait(false);
                continue;
            }

            // A pass that found jobs may find more: the next one may wait as long as this one took for slots to free.
            refillWait = dequeued > 0 ? Stopwatch.GetElapsedTime(passStarted) : TimeSpan.Zero;

            if (dequeued > 0)
            {
                lastLook = false;
            }

            if (dequeued == 0)
            {
                _status = WorkerStatus.Wait;
                CountEmptyPass();
                if (_settings.MaxJobs > 0 && Volatile.Read(ref _running) + DoneJobs >= _settings.MaxJobs)
                {
                    // Everything max_jobs allows is running: wait for it instead of polling.
                    await WaitForFreeSlotAsync(stop).ConfigureAwait(false);
                    continue;
                }

                if (_settings.DequeueStrategy == DequeueStrategy.Burst)
                {
                    // Running jobs may still requeue themselves (a retry with no delay): exit only once nothing runs,
                    // every status is written, and one more pass finds nothing.
                    if (Volatile.Read(ref _running) > 0)
                    {
                        await WaitForFreeSlotAsync(stop).ConfigureAwait(false);
                        continue;
                    }

                    if (!lastLook)
                    {
                        await _statusWriter.WritePostedAsync(stop).ConfigureAwait(false);
                        lastLook = true;
                        continue;
                    }

                    LogBurstStop();
                    return WorkerStopReason.QueuesEmpty;
                }

                await IdleAsync(latency, stop).ConfigureAwait(false);
            }
        }

        // Stopped between two passes rather than inside one: max_memory's stop must still ask for a replacement.
        return _selfStopReason ?? WorkerStopReason.Stopped;
    }

    /// <summary>
    /// Before claiming for fewer than half of the greenlets while jobs run, waits up to <paramref name="limit"/> (the
    /// last pass's duration, at most <see cref="s_maxRefillWait"/>) for more slots to free. Short jobs then come back in
    /// batches about twice as large, each store call and transaction carrying twice the jobs; long jobs cost at most
    /// that wait before the free slots are claimed anyway.
    /// </summary>
    private async ValueTask WaitToRefillAsync(TimeSpan limit, CancellationToken stop)
    {
        var half = _settings.Greenlets / 2;
        if (_settings.Greenlets - Volatile.Read(ref _running) >= half || Volatile.Read(ref _running) == 0)
        {
            return;
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(Math.Min(limit.TotalSeconds, s_maxRefillWait.TotalSeconds) * Stopwatch.Frequency);
        while (_settings.Greenlets - Volatile.Read(ref _running) < half)
        {
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0 || !await _wake.WaitAsync(TimeSpan.FromSeconds(remaining / (double)Stopwatch.Frequency), stop).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Wakes the loop (a slot freed, an outcome posted).</summary>
    private void Wake()
    {
        // One pending wake is enough, the loop recounts everything when it wakes: a busy loop that never waits must
        // not pile up one count per job.
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    private async ValueTask WaitForFreeSlotAsync(CancellationToken stop)
    {
        await _wake.WaitAsync(stop).ConfigureAwait(false);

        // Several jobs may have finished: consume their signals too, the loop recounts free slots anyway.
        while (_wake.Wait(0))
        {
        }
    }

    private void Start(List<ClaimedJob> claimed, int count)
    {
        var batch = new RunningJob[count];
        for (var i = 0; i < count; i++)
        {
            var job = claimed[i];
            Interlocked.Increment(ref _running);
            var running = new RunningJob(job, _policies.For(job.Path), _interruptJobs);
            _jobs[job.Id] = running;
            batch[i] = running;
        }

        JobBatch.Start(batch, _runJob);
    }

    private async Task RunJobAsync(RunningJob running)
    {
        var job = running.Job;
        JobOutcome outcome;
        Exception? failure = null;
        var buffer = RentBuffer();
        var slotTaken = false;
        var started = Stopwatch.GetTimestamp();
        _metrics.RecordStarted(job.Queue, job.DateQueued, job.DateStarted);

        // The span is current while the task runs, so what it enqueues continues the job's trace; the scope puts the
        // job (and the span's ids) on every line logged meanwhile.
        var activity = MrqActivities.StartProcess(job, _settings.TraceLinksOnly, Id);
        using var scope = _logger.BeginScope(new JobLogScope(job, activity));
        try
        {
            if (!TaskCatalog.TryFind(job.Path, out var task))
            {
                throw new MrqTaskNotFoundException(job.Path, TaskCatalog.All.Select(t => t.Path), TaskAssemblies.FindUnregistered());
            }

            if (running.Policy.MaxConcurrency > 0)
            {
                slotTaken = await TryTakeConcurrencySlotAsync(running).ConfigureAwait(false);
                if (!slotTaken)
                {
                    throw new MaxConcurrencyReachedException(job.Path, running.Policy.MaxConcurrency);
                }
            }

            var context = new WorkerJobContext(running, _services, _logger, _settings.Quiet, _reportProgress, this);
            await task.Invoke(context, job.Params, buffer).ConfigureAwait(false);
            var now = DateTime.UtcNow;
            outcome = new JobOutcome(
                job.Id,
                JobStatus.Success,
                now,
                Result: buffer.WrittenCount > 0 ? buffer.WrittenSpan.ToArray() : null,
                DateExpires: now.AddSeconds(running.Policy.ResultTtl),
                TotalTime: (now - job.DateStarted).TotalSeconds);
        }
        catch (Exception e)
        {
            failure = e;
            outcome = Outcomes.ForException(running, e);
            if (outcome.Status != JobStatus.Queued)
            {
                LogJobEnded(job.Path, job.Id, outcome.Status.ToName(), outcome.ExceptionType ?? "", ValueText.Truncate(e.Message, ValueText.MaxShownValueLength));
            }
        }
        finally
        {
            ReturnBuffer(buffer);
            if (slotTaken)
            {
                await ReleaseConcurrencySlotAsync(running).ConfigureAwait(false);
            }
        }

        var errorType = failure is null ? null : outcome.ExceptionType ?? failure.GetType().FullName;
        if (activity is not null)
        {
            MrqActivities.Ended(activity, outcome.Status, errorType, failure);
        }

        _metrics.RecordEnded(job.Queue, outcome.Status, errorType, Stopwatch.GetElapsedTime(started).TotalSeconds);
        try
        {
            // A timeout or forced stop may already have written this job's status: the first writer wins.
            if (running.TryFinish())
            {
                Post(running, outcome);
            }
        }
        finally
        {
            _jobs.TryRemove(job.Id, out _);
            running.Dispose();
            Interlocked.Increment(ref _doneJobs);
            Interlocked.Decrement(ref _running);

            // One wake for both the freed slot and the posted outcome.
            Wake();
        }
    }

    /// <summary>
    /// Hands an outcome to the status writer, with the job's logs and the claim guard; the caller wakes the loop, which
    /// writes it with its next store call.
    /// </summary>
    private void Post(RunningJob running, JobOutcome outcome)
    {
        var job = running.Job;
        outcome = outcome with { Worker = Id, Logs = running.Logger?.TakeLines() };
        if (job.Stored)
        {
            _statusWriter!.Post(outcome);
            return;
        }

        if (job.Raw!.SkipsStorageOf(outcome.Status))
        {
            return;
        }

        // Never stored (statuses_no_storage) but ending in a status that is kept: store the whole job now.
        _statusWriter!.Post(outcome with { Document = ToDocument(job, outcome) });
    }

    private async ValueTask<bool> TryTakeConcurrencySlotAsync(RunningJob running)
    {
        var now = DateTime.UtcNow;

        try
        {
            // As MRQ: the slot outlives a crashed holder by the job's timeout plus 5 seconds at most.
            return await _broker.Value.TryAcquireSlotAsync(running.Job.Path, running.Job.Id.ToString(), running.Policy.MaxConcurrency, now, now.AddSeconds(running.Policy.Timeout + 5)).ConfigureAwait(false);
        }
        catch (MrqStoreUnavailableException e)
        {
            // The limit cannot be checked while the broker is away: the job is retried later (its retry delay), not failed.
            throw new JobRetryException(null, null, null, e);
        }
    }

    private async ValueTask ReleaseConcurrencySlotAsync(RunningJob running)
    {
        try
        {
            await _broker.Value.ReleaseSlotAsync(running.Job.Path, running.Job.Id.ToString()).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The slot expires by itself after the job's timeout.
            LogSlotReleaseFailed(running.Job.Path, e.Message);
        }
    }

    private JobInfo ToDocument(ClaimedJob job, JobOutcome outcome) => new()
    {
        Id = job.Id,
        Path = job.Path,
        Queue = outcome.Queue ?? job.Queue,
        DateRetry = outcome.DateRetry,
        Status = outcome.Status,
        Params = job.Params,
        Result = outcome.Result,
        ExceptionType = outcome.ExceptionType,
        Traceback = outcome.Traceback,
        DateQueued = job.DateQueued,
        DateStarted = job.DateStarted,
        DateUpdated = outcome.DateUpdated,
        DateExpires = outcome.DateExpires,
        Worker = Id,
        RetryCount = outcome.RetryCount ?? job.RetryCount,
        TotalTime = outcome.TotalTime,
        RawQueue = job.RawQueue,
        TracebackHistory = Outcomes.FirstHistory(outcome.DateUpdated, outcome.Status, outcome.ExceptionType, outcome.Traceback, outcome.OriginalTraceback, Id),
    };

    private ArrayBufferWriter<byte> RentBuffer() => _resultBuffers.TryDequeue(out var buffer) ? buffer : new ArrayBufferWriter<byte>(256);

    private void ReturnBuffer(ArrayBufferWriter<byte> buffer)
    {
        // Keep small buffers only: one huge result must not pin its memory for the worker's life.
        if (buffer.Capacity <= 64 * 1024)
        {
            buffer.ResetWrittenCount();
            _resultBuffers.Enqueue(buffer);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting worker on {QueueCount} queues ({Queues}) with {Greenlets} greenlets")]
    private partial void LogStarting(int queueCount, string queues, int greenlets);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Summary}")]
    private partial void LogSummary(string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "Burst mode: stopping now because queues were empty")]
    private partial void LogBurstStop();

    [LoggerMessage(Level = LogLevel.Information, Message = "Reached max_jobs={MaxJobs}")]
    private partial void LogReachedMaxJobs(int maxJobs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reached max_time={MaxTime}s")]
    private partial void LogReachedMaxTime(double maxTime);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Path} {Id} ended {Status}: {ExceptionType}: {Message}")]
    private partial void LogJobEnded(string path, JobId id, string status, string exceptionType, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Path} {Id} timed out after {Timeout}s: status timeout, CancellationToken cancelled. A task that ignores its CancellationToken keeps its slot until it returns.")]
    private partial void LogTimedOut(string path, JobId id, int timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Path} {Id} was cancelled or requeued while running: CancellationToken cancelled")]
    private partial void LogClaimLost(string path, JobId id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} job(s) still running {Grace}s after a forced stop ignore their CancellationToken; exiting without them (their status is interrupt)")]
    private partial void LogLeftBehind(int count, double grace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Requeued {Count} job(s) left started by dead workers")]
    private partial void LogRequeuedStarted(long count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Requeued {Count} interrupted job(s)")]
    private partial void LogRequeuedInterrupted(long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker maintenance failed: {Message}")]
    private partial void LogMonitorFailed(string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the concurrency slot of {Path}: {Message}")]
    private partial void LogSlotReleaseFailed(string path, string message);
}
