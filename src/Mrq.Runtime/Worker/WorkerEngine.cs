using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Storage;

namespace Mrq.Worker;

/// <summary>
/// MRQ's worker loop: keeps up to <c>greenlets</c> jobs in flight, asks each queue for as many jobs as there are free
/// slots (one round trip per batch), runs them on the thread pool and hands their outcomes to a group-commit writer.
/// </summary>
internal sealed partial class WorkerEngine
{
    private readonly MrqSettings _settings;
    private readonly IJobStore _store;
    private readonly IReadOnlyList<QueueSource> _queues;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slotFreed = new(0, int.MaxValue);
    private readonly ConcurrentQueue<ArrayBufferWriter<byte>> _resultBuffers = new();
    private StatusWriter? _statusWriter;
    private CancellationToken _interruptJobs;
    private int _running;
    private long _doneJobs;

    public WorkerEngine(MrqSettings settings, IJobStore store, IReadOnlyList<QueueSource> queues, IServiceProvider services, ILogger logger)
    {
        _settings = settings;
        _store = store;
        _queues = queues;
        _services = services;
        _logger = logger;
        Id = JobId.NewId().ToString();
        Name = settings.Name ?? $"{Environment.MachineName}.{Environment.ProcessId}";
    }

    /// <summary>The worker's id, stored on the jobs it runs.</summary>
    public string Id { get; }

    /// <summary>The worker's display name.</summary>
    public string Name { get; }

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
        LogStarting(_queues.Count, string.Join(" ", _queues.Select(q => q.Name)), _settings.Greenlets);

        await using (_statusWriter = new StatusWriter(_store, _logger, _settings.Greenlets * 4))
        {
            try
            {
                await WorkLoopAsync(clock, stopDequeuing).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopDequeuing.IsCancellationRequested)
            {
                // A graceful stop: fall through to wait for running jobs.
            }
            finally
            {
                while (Volatile.Read(ref _running) > 0)
                {
                    await _slotFreed.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        var summary = new WorkerRunSummary(clock.Elapsed, DoneJobs);
        LogSummary(summary.ToString());
        return summary;
    }

    private async Task WorkLoopAsync(Stopwatch clock, CancellationToken stop)
    {
        var claimed = new List<ClaimedJob>(_settings.Greenlets);
        var queueOffset = 0;
        var maxTime = _settings.MaxTime > 0 ? TimeSpan.FromSeconds(_settings.MaxTime) : TimeSpan.MaxValue;
        var latency = TimeSpan.FromSeconds(_settings.MaxLatency);

        while (!stop.IsCancellationRequested)
        {
            if (clock.Elapsed >= maxTime)
            {
                LogReachedMaxTime(_settings.MaxTime);
                return;
            }

            var free = _settings.Greenlets - Volatile.Read(ref _running);
            if (_settings.MaxJobs > 0)
            {
                free = Math.Min(free, _settings.MaxJobs - (int)(Volatile.Read(ref _running) + DoneJobs));
                if (DoneJobs >= _settings.MaxJobs)
                {
                    LogReachedMaxJobs(_settings.MaxJobs);
                    return;
                }
            }

            if (free <= 0)
            {
                // Full: wait for any job to finish (its release wakes us), then look again.
                await WaitForFreeSlotAsync(stop).ConfigureAwait(false);
                continue;
            }

            var dequeued = 0;
            var visited = 0;
            for (; visited < _queues.Count; visited++)
            {
                var want = free - dequeued;
                if (want <= 0)
                {
                    break;
                }

                if (_settings.DequeueStrategy == DequeueStrategy.Parallel)
                {
                    want = Math.Max(1, want / (_queues.Count - visited));
                }

                var queue = _queues[(visited + queueOffset) % _queues.Count];
                claimed.Clear();
                var count = await queue.DequeueAsync(want, Id, claimed, stop).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    Start(claimed[i]);
                }

                dequeued += count;
            }

            if (_settings.DequeueStrategy == DequeueStrategy.Parallel)
            {
                queueOffset = (queueOffset + visited + 1) % _queues.Count;
            }

            if (dequeued == 0)
            {
                if (_settings.MaxJobs > 0 && Volatile.Read(ref _running) + DoneJobs >= _settings.MaxJobs)
                {
                    // Everything max_jobs allows is running: wait for it instead of polling.
                    await WaitForFreeSlotAsync(stop).ConfigureAwait(false);
                    continue;
                }

                if (_settings.DequeueStrategy == DequeueStrategy.Burst)
                {
                    LogBurstStop();
                    return;
                }

                await Task.Delay(latency, stop).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask WaitForFreeSlotAsync(CancellationToken stop)
    {
        await _slotFreed.WaitAsync(stop).ConfigureAwait(false);

        // Several jobs may have finished: consume their signals too, the loop recounts free slots anyway.
        while (_slotFreed.Wait(0))
        {
        }
    }

    private void Start(ClaimedJob job)
    {
        Interlocked.Increment(ref _running);
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Engine.RunJobAsync(state.Job), (Engine: this, Job: job), preferLocal: false);
    }

    private async Task RunJobAsync(ClaimedJob job)
    {
        JobOutcome outcome;
        var buffer = RentBuffer();
        try
        {
            if (!TaskCatalog.TryFind(job.Path, out var task))
            {
                throw new MrqTaskNotFoundException(job.Path, TaskCatalog.All.Select(t => t.Path));
            }

            var context = new WorkerJobContext(job, _services, _interruptJobs);
            await task.Invoke(context, job.Params, buffer).ConfigureAwait(false);
            var now = DateTime.UtcNow;
            outcome = new JobOutcome(
                job.Id,
                JobStatus.Success,
                now,
                Result: buffer.WrittenCount > 0 ? buffer.WrittenSpan.ToArray() : null,
                DateExpires: now.AddSeconds(task.ResultTtl > 0 ? task.ResultTtl : _settings.DefaultJobResultTtl),
                TotalTime: (now - job.DateStarted).TotalSeconds);
        }
        catch (Exception e)
        {
            outcome = Failed(job, e);
        }
        finally
        {
            ReturnBuffer(buffer);
        }

        try
        {
            if (job.Stored)
            {
                await _statusWriter!.PostAsync(outcome).ConfigureAwait(false);
            }
            else if (!job.Raw!.SkipsStorageOf(outcome.Status))
            {
                // Never stored (statuses_no_storage) but ending in a status that is kept: store the whole job now.
                await _statusWriter!.PostAsync(outcome with { Document = ToDocument(job, outcome) }).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Increment(ref _doneJobs);
            Interlocked.Decrement(ref _running);
            _slotFreed.Release();
        }
    }

    private JobOutcome Failed(ClaimedJob job, Exception e)
    {
        var now = DateTime.UtcNow;
        var ttl = TaskCatalog.TryFind(job.Path, out var task) && task.DefaultTtl > 0 ? task.DefaultTtl : _settings.DefaultJobTtl;
        var exceptionType = e.GetType().FullName ?? e.GetType().Name;
        LogJobFailed(job.Path, job.Id, exceptionType, e.Message);
        return new JobOutcome(
            job.Id,
            JobStatus.Failed,
            now,
            ExceptionType: exceptionType,
            Traceback: e.ToString(),
            DateExpires: job.DateQueued.AddSeconds(ttl),
            TotalTime: (now - job.DateStarted).TotalSeconds);
    }

    private JobInfo ToDocument(ClaimedJob job, JobOutcome outcome) => new()
    {
        Id = job.Id,
        Path = job.Path,
        Queue = job.Queue,
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
        RetryCount = job.RetryCount,
        TotalTime = outcome.TotalTime,
        RawQueue = job.RawQueue,
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Path} {Id} failed: {ExceptionType}: {Message}")]
    private partial void LogJobFailed(string path, JobId id, string exceptionType, string message);
}
