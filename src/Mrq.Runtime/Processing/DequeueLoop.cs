using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// MRQ's worker loop: keeps up to <c>greenlets</c> jobs running, asks each active queue for as many jobs as there are
/// free greenlets (one round trip per batch, carrying the outcomes posted since the last pass) and hands them to the
/// executor; regular queues also for the few jobs the greenlets are expected to free before the next claim
/// (<see cref="ClaimAhead"/>). When a pass finds nothing it waits (<see cref="IdleWait"/>). Also answers MRQ's
/// <c>wait_for_idle</c>: idle means nothing runs and a whole pass over the queues that began after the question found
/// nothing to dequeue.
/// </summary>
/// <remarks>
/// Many free slots at once (hundreds of I/O-bound jobs whose timers fire on the same tick) are refilled in claims of at
/// most <see cref="ChunkSize"/> jobs that carry no outcomes: the first jobs start after a short store call instead of
/// after one that claims them all and writes every outcome first. The outcomes wait for a claim of few jobs, for the
/// worker being full (its idle moment) or for as many as <c>greenlets</c> to pile up (docs/benchmarks.md, "Chunked refills").
/// </remarks>
internal sealed partial class DequeueLoop(
    MrqSettings settings,
    WorkerState state,
    JobExecutor executor,
    StatusWriter statusWriter,
    StoreOutage outage,
    PauseFilter pauses,
    IdleWait idleWait,
    ILogger logger)
{
    /// <summary>The most jobs one claim takes while more slots wait: a store call of ~0.3 ms on SQLite.</summary>
    internal const int ChunkSize = 64;

    private static readonly TimeSpan s_maxRefillWait = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_idlePoll = TimeSpan.FromMilliseconds(20);

    private readonly ILogger _logger = logger;
    private long _emptyPasses;

    /// <summary>
    /// Passes over the queues until a stop condition (burst and empty queues, max_jobs, max_time, or
    /// <paramref name="stop"/>); returns why it stopped.
    /// </summary>
    public async Task<WorkerStopReason> RunAsync(Stopwatch clock, CancellationToken stop)
    {
        var claimed = new List<ClaimedJob>(settings.Greenlets);
        var queueOffset = 0;
        var lastLook = false;
        var maxTime = settings.MaxTime > 0 ? TimeSpan.FromSeconds(settings.MaxTime) : TimeSpan.MaxValue;
        var latency = TimeSpan.FromSeconds(settings.MaxLatency);
        var refillWait = TimeSpan.Zero;
        var noOutcomes = new OutcomeBatch(static _ => { });
        var doneAtLastTake = state.DoneJobs;
        var claimAhead = new ClaimAhead(settings.Greenlets);
        var freeSlots = new FreeSlots(state, settings.MaxJobs, most: ChunkSize);

        // A parallel pass shares the free slots among the queues: a claim takes its share, not what freed since.
        var recount = settings.DequeueStrategy == DequeueStrategy.Parallel ? null : freeSlots;

        while (!stop.IsCancellationRequested)
        {
            if (clock.Elapsed >= maxTime)
            {
                LogReachedMaxTime(settings.MaxTime);
                return WorkerStopReason.MaxTime;
            }

            var queues = pauses.ActiveQueues();
            var capacity = settings.Greenlets + (AnyClaimsAhead(queues) ? claimAhead.Update(Stopwatch.GetTimestamp(), state.DoneJobs) : 0);
            freeSlots.Set(capacity);
            if (refillWait > TimeSpan.Zero)
            {
                await WaitToRefillAsync(capacity, refillWait, stop).ConfigureAwait(false);
            }

            // Outcomes posted since the last pass ride along with this pass's first claim (one store transaction), unless
            // slots wait for that claim (see the remarks); about one outcome is posted per job done.
            var outcomes = noOutcomes;
            var outcomesTaken = capacity - state.Running <= ChunkSize || state.DoneJobs - doneAtLastTake >= settings.Greenlets;
            if (outcomesTaken)
            {
                doneAtLastTake = state.DoneJobs;
                outcomes = statusWriter.TakePosted();
            }

            var free = capacity - state.Running;

            if (settings.MaxJobs > 0)
            {
                free = Math.Min(free, settings.MaxJobs - (int)(state.Running + state.DoneJobs));
                if (state.DoneJobs >= settings.MaxJobs)
                {
                    LogReachedMaxJobs(settings.MaxJobs);
                    return WorkerStopReason.MaxJobs;
                }
            }

            if (free <= 0)
            {
                // Full: write what is posted, wait for any job to finish (its release wakes us), then look again.
                doneAtLastTake = state.DoneJobs;
                await statusWriter.WritePostedAsync(stop).ConfigureAwait(false);
                state.Status = WorkerStatus.Full;
                await WaitForFreeSlotAsync(stop).ConfigureAwait(false);
                continue;
            }

            state.Status = WorkerStatus.Spawn;
            var dequeued = 0;
            var visited = 0;
            Exception? failure = null;
            var passStarted = Stopwatch.GetTimestamp();
            var chunkedPass = false;
            var greenletsFull = false;
            for (; visited < queues.Count; visited++)
            {
                var want = free - dequeued;
                if (want <= 0)
                {
                    break;
                }

                var queue = queues[(visited + queueOffset) % queues.Count];
                if (!queue.ClaimsAhead)
                {
                    // Only what the greenlets can run now (the jobs started this pass are counted already).
                    want = Math.Min(want, settings.Greenlets - state.Running);
                    if (want <= 0)
                    {
                        greenletsFull = true;
                        continue;
                    }
                }

                if (settings.DequeueStrategy == DequeueStrategy.Parallel)
                {
                    want = Math.Max(1, want / (queues.Count - visited));
                }

                // More free slots than one chunk: this claim ends the pass, the next one comes right after it (and
                // starts again from the first queue, so the sequential order holds).
                var chunked = want > ChunkSize;
                want = Math.Min(want, ChunkSize);

                claimed.Clear();
                int count;
                try
                {
                    count = await queue.DequeueAsync(want, queue.ClaimsAhead ? recount : null, state.Id, claimed, outcomes, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    // A store or broker away: the other queues may still answer; the pass backs off below if none did.
                    failure ??= e;
                    count = 0;
                }

                if (count > 0)
                {
                    executor.Start(claimed, count);
                }

                dequeued += count;
                if (chunked && count == want)
                {
                    chunkedPass = true;
                    break;
                }
            }

            if (settings.DequeueStrategy == DequeueStrategy.Parallel && queues.Count > 0)
            {
                queueOffset = (queueOffset + visited + 1) % queues.Count;
            }

            // No claim carried them (nothing to claim, raw queues that store nothing, all queues paused). Those left
            // posted for a chunk's sake are written unless another chunk follows right away.
            if (dequeued == 0 || (!outcomesTaken && !chunkedPass))
            {
                doneAtLastTake = state.DoneJobs;
                await statusWriter.WritePostedAsync(stop).ConfigureAwait(false);
            }
            else
            {
                await statusWriter.WriteTakenAsync(stop).ConfigureAwait(false);
            }

            if (failure is null)
            {
                outage.Succeeded();
            }
            else if (dequeued == 0)
            {
                // Not an empty pass: a burst worker waits for the store to come back instead of stopping.
                await outage.BackOffAsync(failure, stop).ConfigureAwait(false);
                continue;
            }

            // A pass that found jobs may find more: the next one may wait as long as this one took for slots to free
            // (not after a chunk: slots are free already).
            refillWait = dequeued > 0 && !chunkedPass ? Stopwatch.GetElapsedTime(passStarted) : TimeSpan.Zero;

            if (dequeued > 0)
            {
                lastLook = false;
            }

            if (dequeued == 0 && greenletsFull)
            {
                // Not an empty pass: the queues that take no jobs ahead were not asked, every greenlet being busy.
                state.Status = WorkerStatus.Full;
                await WaitForFreeSlotAsync(stop).ConfigureAwait(false);
                continue;
            }

            if (dequeued == 0 && EarliestLimitEnd(queues) is { } limitedUntil)
            {
                // Not an empty pass: a rate-limited queue waits for its next window (a burst worker must not stop).
                state.Status = WorkerStatus.Wait;
                var untilWindow = limitedUntil - DateTime.UtcNow;
                await idleWait.WaitAsync(untilWindow <= TimeSpan.Zero ? TimeSpan.Zero : untilWindow < latency ? untilWindow : latency, stop).ConfigureAwait(false);
                continue;
            }

            if (dequeued == 0)
            {
                state.Status = WorkerStatus.Wait;
                CountEmptyPass();
                if (settings.MaxJobs > 0 && state.Running + state.DoneJobs >= settings.MaxJobs)
                {
                    // Everything max_jobs allows is running: wait for it instead of polling.
                    await WaitForFreeSlotAsync(stop).ConfigureAwait(false);
                    continue;
                }

                if (settings.DequeueStrategy == DequeueStrategy.Burst)
                {
                    // Running jobs may still requeue themselves (a retry with no delay): exit only once nothing runs,
                    // every status is written, and one more pass finds nothing.
                    if (state.Running > 0)
                    {
                        await WaitForFreeSlotAsync(stop).ConfigureAwait(false);
                        continue;
                    }

                    if (!lastLook)
                    {
                        await statusWriter.WritePostedAsync(stop).ConfigureAwait(false);
                        lastLook = true;
                        continue;
                    }

                    LogBurstStop();
                    return WorkerStopReason.QueuesEmpty;
                }

                await idleWait.WaitAsync(latency, stop).ConfigureAwait(false);
            }
        }

        return WorkerStopReason.Stopped;
    }

    /// <summary>The earliest end of a rate limit among <paramref name="queues"/> that wait for one, or null.</summary>
    private static DateTime? EarliestLimitEnd(IReadOnlyList<QueueSource> queues)
    {
        DateTime? earliest = null;
        foreach (var queue in queues)
        {
            if (queue.LimitedUntil is { } until && (earliest is null || until < earliest))
            {
                earliest = until;
            }
        }

        return earliest;
    }

    /// <summary>
    /// Before claiming for fewer than half of the greenlets while jobs run, waits up to <paramref name="limit"/> (the
    /// last pass's duration, at most <see cref="s_maxRefillWait"/>) for more slots to free (of <paramref name="capacity"/>,
    /// the greenlets and the jobs that may be claimed ahead). Short jobs then come back in batches about twice as large,
    /// each store call and transaction carrying twice the jobs; long jobs cost at most that wait before the free slots
    /// are claimed anyway.
    /// </summary>
    private async ValueTask WaitToRefillAsync(int capacity, TimeSpan limit, CancellationToken stop)
    {
        var half = settings.Greenlets / 2;
        if (capacity - state.Running >= half || state.Running == 0)
        {
            return;
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(Math.Min(limit.TotalSeconds, s_maxRefillWait.TotalSeconds) * Stopwatch.Frequency);
        while (capacity - state.Running < half)
        {
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0 || !await state.WaitForWakeAsync(TimeSpan.FromSeconds(remaining / (double)Stopwatch.Frequency), stop).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async ValueTask WaitForFreeSlotAsync(CancellationToken stop)
    {
        await state.WaitForWakeAsync(stop).ConfigureAwait(false);

        // Several jobs may have finished: consume their signals too, the loop recounts free slots anyway.
        state.ClearWakes();
    }

    /// <summary>
    /// MRQ's <c>wait_for_idle</c>: completes once the worker is idle; false when it stopped first (or
    /// <paramref name="cancellationToken"/> fired).
    /// </summary>
    public async Task<bool> WaitForIdleAsync(Task stopped, CancellationToken cancellationToken)
    {
        // The pass under way when asked may have looked at a queue before a job arrived there: count from the next one.
        var target = Interlocked.Read(ref _emptyPasses) + 2;
        while (!cancellationToken.IsCancellationRequested && !stopped.IsCompleted)
        {
            if (state.Running == 0 && Interlocked.Read(ref _emptyPasses) >= target)
            {
                // Idle also means every status is in the store, so whoever waited can read the outcomes.
                await statusWriter.FlushAsync().ConfigureAwait(false);
                return true;
            }

            if (Interlocked.Read(ref _emptyPasses) >= target)
            {
                // Jobs were still running: wait for a later empty pass.
                target = Interlocked.Read(ref _emptyPasses) + 1;
            }

            try
            {
                await Task.Delay(s_idlePoll, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    private static bool AnyClaimsAhead(IReadOnlyList<QueueSource> queues)
    {
        for (var i = 0; i < queues.Count; i++)
        {
            if (queues[i].ClaimsAhead)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Counts a pass that dequeued nothing.</summary>
    private void CountEmptyPass() => Interlocked.Increment(ref _emptyPasses);

    [LoggerMessage(Level = LogLevel.Information, Message = "Burst mode: stopping now because queues were empty")]
    private partial void LogBurstStop();

    [LoggerMessage(Level = LogLevel.Information, Message = "Reached max_jobs={MaxJobs}")]
    private partial void LogReachedMaxJobs(int maxJobs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reached max_time={MaxTime}s")]
    private partial void LogReachedMaxTime(double maxTime);
}
