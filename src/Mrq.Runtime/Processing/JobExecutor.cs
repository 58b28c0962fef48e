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
/// Runs the jobs the dequeue loop claimed: each on a greenlet (<see cref="GreenletPool"/>) with its policy, its
/// concurrency slot (<c>max_concurrency</c>, on the broker) and a pooled result buffer, then posts its outcome to the
/// status writer and frees its slot. Also posts the outcomes the worker decides for a job (timeout, forced stop).
/// </summary>
internal sealed partial class JobExecutor
{
    private readonly MrqSettings _settings;
    private readonly IJobStore _store;
    private readonly WorkerState _state;
    private readonly TaskPolicies _policies;
    private readonly ILogger _logger;
    private readonly Lazy<IQueueBroker> _broker;
    private readonly StatusWriter _statusWriter;
    private readonly MrqMetrics _metrics;
    private readonly SideTaskFailures _failures;
    private readonly QueueNotifier _notifier;
    private readonly ConcurrentQueue<ArrayBufferWriter<byte>> _resultBuffers = new();
    private readonly JobHost _host;
    private readonly GreenletPool _greenlets;
    private CancellationToken _interruptJobs;

    // The last path Start resolved, by reference (the stores and raw factories hand out one string per task path): a
    // batch of one task resolves its policy and task once, not two dictionary lookups per job. Start runs on the loop only.
    private string? _lastPath;
    private TaskPolicy? _lastPolicy;
    private TaskDescriptor? _lastTask;

    public JobExecutor(MrqSettings settings, IJobStore store, WorkerState state, TaskPolicies policies, IServiceProvider services, ILogger logger, Lazy<IQueueBroker> broker, StatusWriter statusWriter, MrqMetrics metrics, SideTaskFailures failures, IMaintenanceContext maintenance, QueueNotifier notifier)
    {
        _settings = settings;
        _store = store;
        _state = state;
        _policies = policies;
        _logger = logger;
        _broker = broker;
        _statusWriter = statusWriter;
        _metrics = metrics;
        _failures = failures;
        _notifier = notifier;
        _host = new JobHost(services, logger, settings.Quiet, ReportProgress, maintenance, broker);
        _greenlets = new GreenletPool(settings.Greenlets, RunJobAsync);
    }

    /// <summary>The token of a forced stop, linked into every job's token (set once, before the first job starts).</summary>
    public CancellationToken InterruptJobs
    {
        set => _interruptJobs = value;
    }

    /// <summary>
    /// Starts the first <paramref name="count"/> jobs of <paramref name="claimed"/> on free greenlets; those claimed ahead
    /// of them wait for a greenlet to free (worker loop only).
    /// </summary>
    public void Start(List<ClaimedJob> claimed, int count)
    {
        var batch = new RunningJob[count];
        for (var i = 0; i < count; i++)
        {
            var job = claimed[i];
            if (!ReferenceEquals(job.Path, _lastPath))
            {
                _lastPolicy = _policies.For(job.Path);
                TaskCatalog.TryFind(job.Path, out _lastTask);
                _lastPath = job.Path;
            }

            var running = new RunningJob(job, _lastPolicy!, _lastTask, _host, _interruptJobs);
            _state.Add(running);
            batch[i] = running;
        }

        _greenlets.Start(batch);
    }

    /// <summary>A forced stop: marks every running job <c>interrupt</c> at once and cancels its token.</summary>
    public void InterruptAll()
    {
        var now = DateTime.UtcNow;
        foreach (var running in _state.Jobs)
        {
            running.Cancel(JobStatus.Interrupt);
            if (running.TryFinish())
            {
                Post(running, Outcomes.Interrupted(running, JobStatus.Interrupt, now));
            }
        }

        // Jobs claimed ahead that have not started never will: their interrupt is posted above, their slots free now.
        foreach (var waiting in _greenlets.TakeWaiting(DateTime.MaxValue))
        {
            _state.Release(waiting);
        }

        _state.Wake();
    }

    /// <summary>
    /// Hands the jobs claimed ahead that have waited since before <paramref name="claimedBefore"/> back to their queue
    /// (the jobs running on every greenlet turned out long): still <c>started</c> by this worker in the store, they are
    /// requeued there, at their old place in their queue, and leave the worker uncounted. When the store cannot take
    /// them back they wait again and run when a greenlet frees (the failure is logged like the monitor's others, and the
    /// monitor goes on with its timeouts). Returns how many went back.
    /// </summary>
    public async ValueTask<int> HandBackWaitingAsync(DateTime claimedBefore, DateTime now, CancellationToken cancellationToken)
    {
        var stale = _greenlets.TakeWaiting(claimedBefore);
        if (stale.Count == 0)
        {
            return 0;
        }

        try
        {
            // They never ran: back to their old place in the queue, not behind everything enqueued since.
            var started = stale.Select(running => new StartedJob(running.Job.Id, running.Job.Path, _state.Id, running.Job.DateStarted) { DateQueued = running.Job.DateQueued }).ToList();
            await _store.RequeueStartedAsync(started, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _greenlets.Wait(stale);
            if (e is not OperationCanceledException)
            {
                _failures.Report(e, LogHandBackFailed);
            }

            return 0;
        }

        foreach (var running in stale)
        {
            // Whoever decided its status meanwhile (a forced stop) finds it requeued: the store keeps the requeue.
            running.TryFinish();
            _state.Release(running, done: false);
        }

        if (_notifier.AnnouncesRequeues)
        {
            // Handed back for other workers: those idle would otherwise find the jobs only at their next poll.
            await _notifier.NotifyAsync(stale.Select(running => running.Job.Queue).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
        }

        return stale.Count;
    }

    /// <summary>
    /// Hands an outcome to the status writer, with the job's logs and the claim guard; the caller wakes the loop, which
    /// writes it with its next store call.
    /// </summary>
    public void Post(RunningJob running, JobOutcome outcome)
    {
        var job = running.Job;
        outcome = outcome with { Worker = _state.Id, Logs = running.TakeLogs() };
        if (job.Stored)
        {
            _statusWriter.Post(outcome);
            return;
        }

        if (job.Raw!.SkipsStorageOf(outcome.Status))
        {
            return;
        }

        // Never stored (statuses_no_storage) but ending in a status that is kept: store the whole job now.
        _statusWriter.Post(outcome with { Document = ToDocument(job, outcome) });
    }

    private async Task RunJobAsync(RunningJob running)
    {
        running.HasStarted = true;
        if (running.IsFinished)
        {
            // Decided while it waited for its greenlet (a lost claim, a forced stop): it does not run.
            _state.Release(running);
            _greenlets.Ended();
            return;
        }

        var job = running.Job;
        JobOutcome outcome;
        Exception? failure = null;
        var buffer = RentBuffer();
        var slotTaken = false;
        // Read the clock for the duration histogram only when someone listens to it: clock reads were ~5% of the
        // engine's per-job CPU (docs/benchmarks.md, "The engine's per-job path measured alone").
        var started = _metrics.ProcessDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        _metrics.RecordStarted(job.Queue, job.DateQueued, job.DateStarted);

        // The span is current while the task runs, so what it enqueues continues the job's trace; the scope puts the
        // job (and the span's ids) on every line logged meanwhile.
        var activity = MrqActivities.StartProcess(job, _settings.TraceLinksOnly, _state.Id);
        var scope = _logger.BeginScope(new JobLogScope(job, activity));
        try
        {
            // Not found when the batch started: look once more, a task may have been registered since.
            var task = running.Descriptor;
            if (task is null && !TaskCatalog.TryFind(job.Path, out task))
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

            await task.Invoke(running, job.Params, buffer).ConfigureAwait(false);
            outcome = Succeeded(running, buffer);
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

        _metrics.RecordEnded(job.Queue, outcome.Status, errorType, started);
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
            // The scope ends before the greenlet passes on: a job claimed ahead may start right here, and must not log
            // inside this one's scope (nor keep it alive).
            scope?.Dispose();
            _state.Release(running);
            _greenlets.Ended();
        }
    }

    /// <summary>
    /// The outcome of a run that returned. A job whose success is not stored (a raw queue's <c>statuses_no_storage</c>)
    /// gets its status only: its result and dates would be dropped by <see cref="Post"/> anyway.
    /// </summary>
    private static JobOutcome Succeeded(RunningJob running, ArrayBufferWriter<byte> result)
    {
        var job = running.Job;
        if (!job.Stored && job.Raw!.SkipsStorageOf(JobStatus.Success))
        {
            return new JobOutcome(job.Id, JobStatus.Success, default);
        }

        var now = DateTime.UtcNow;
        return new JobOutcome(
            job.Id,
            JobStatus.Success,
            now,
            Result: result.WrittenCount > 0 ? result.WrittenSpan.ToArray() : null,
            DateExpires: now.AddSeconds(running.Policy.ResultTtl),
            TotalTime: (now - job.DateStarted).TotalSeconds);
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
                _failures.Report(e, LogProgressFailed);
            }
        }
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
        Worker = _state.Id,
        RetryCount = outcome.RetryCount ?? job.RetryCount,
        TotalTime = outcome.TotalTime,
        RawQueue = job.RawQueue,
        TracebackHistory = Outcomes.FirstHistory(outcome.DateUpdated, outcome.Status, outcome.ExceptionType, outcome.Traceback, outcome.OriginalTraceback, _state.Id),
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Path} {Id} ended {Status}: {ExceptionType}: {Message}")]
    private partial void LogJobEnded(string path, JobId id, string status, string exceptionType, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker maintenance failed: {Message}")]
    private partial void LogProgressFailed(string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand jobs claimed ahead back to their queue: {Message}; they run when a greenlet frees")]
    private partial void LogHandBackFailed(string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the concurrency slot of {Path}: {Message}")]
    private partial void LogSlotReleaseFailed(string path, string message);
}
