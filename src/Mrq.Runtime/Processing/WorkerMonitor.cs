using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Maintenance;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// The worker's maintenance, beside the dequeue loop. Once a second: hands back jobs claimed ahead that waited too long
/// for a greenlet (<see cref="ClaimAhead.LongestWait"/>), times out jobs past their deadline, cancels the
/// tokens of jobs cancelled or requeued while they run (lost claims), requeues due retries, counts the queues for the
/// gauges; every report interval (until the worker stops dequeuing): requeues the jobs of dead workers and interrupted
/// jobs; every <c>paused_queues_refresh_interval</c>: reloads the paused queues; once a minute: purges expired jobs and
/// old worker reports.
/// </summary>
internal sealed partial class WorkerMonitor(
    MrqSettings settings,
    IJobStore store,
    TaskPolicies policies,
    WorkerState state,
    JobExecutor executor,
    PauseFilter pauses,
    WorkerReporter reporter,
    SideTaskFailures failures,
    ILogger logger)
{
    private static readonly TimeSpan s_monitorInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_purgeInterval = TimeSpan.FromMinutes(1);

    private readonly ILogger _logger = logger;

    /// <param name="stopping">Cancelled when the worker stops dequeuing: recovery stops then.</param>
    /// <param name="stop">Cancelled once every running job is joined: the monitor ends.</param>
    public async Task RunAsync(CancellationToken stopping, CancellationToken stop)
    {
        var lastPurge = DateTime.MinValue;
        var lastRecovery = DateTime.MinValue;
        var lastPausedRefresh = DateTime.UtcNow;
        var recoveryInterval = TimeSpan.FromSeconds(settings.ReportInterval > 0 ? Math.Max(settings.ReportInterval, 1) : 10);
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
                var handedBack = await executor.HandBackWaitingAsync(now - ClaimAhead.LongestWait, now, stop).ConfigureAwait(false);
                if (handedBack > 0)
                {
                    LogHandedBack(handedBack, ClaimAhead.LongestWait.TotalSeconds);
                }

                ids.Clear();
                foreach (var running in state.Jobs)
                {
                    // A job claimed ahead times out only once it runs: until then it may be handed back, never timed out.
                    if (running.HasStarted && now >= running.Deadline && running.TryFinish())
                    {
                        running.Cancel(JobStatus.Timeout);
                        LogTimedOut(running.Job.Path, running.Job.Id, running.Policy.Timeout);
                        executor.Post(running, Outcomes.Interrupted(running, JobStatus.Timeout, now));
                        state.Wake();
                    }
                    else if (running.Job.Stored)
                    {
                        ids.Add(running.Job.Id);
                    }
                }

                foreach (var lost in await store.FindLostClaimsAsync(ids, state.Id, stop).ConfigureAwait(false))
                {
                    if (state.TryGetJob(lost, out var running) && running.TryFinish())
                    {
                        // Cancelled or requeued while running: its new status stays; the task is asked to stop.
                        running.Cancel(JobStatus.Cancel);
                        LogClaimLost(running.Job.Path, lost);
                    }
                }

                if (await JobRecovery.RequeueRetryJobsAsync(store, now, stop).ConfigureAwait(false) > 0)
                {
                    // Due retries are queued again: a store with wake-ups reaches the other workers, this loop is woken here anyway.
                    state.Wake();
                }

                await reporter.CountQueuesAsync(stop).ConfigureAwait(false);
                if (!stopping.IsCancellationRequested && now - lastRecovery >= recoveryInterval)
                {
                    // Not while stopping: a worker going down with its siblings must not requeue what they just interrupted.
                    lastRecovery = now;
                    await RecoverAsync(now, stop).ConfigureAwait(false);
                }

                if (settings.PausedQueuesRefreshInterval > 0 && now - lastPausedRefresh >= TimeSpan.FromSeconds(settings.PausedQueuesRefreshInterval))
                {
                    lastPausedRefresh = now;
                    await pauses.RefreshAsync(stop).ConfigureAwait(false);
                }

                if (now - lastPurge >= s_purgeInterval)
                {
                    lastPurge = now;
                    await store.PurgeExpiredAsync(now, stop).ConfigureAwait(false);
                    await store.DeleteWorkersReportedBeforeAsync(now - JobRecovery.ReportTtl, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures.Report(e, LogMonitorFailed);
            }
        }
    }

    /// <summary>MRQ's RequeueStartedJobs and RequeueInterruptedJobs, run by every worker.</summary>
    private async Task RecoverAsync(DateTime now, CancellationToken stop)
    {
        var (requeued, _) = await JobRecovery.RequeueStartedJobsAsync(store, policies, now, JobRecovery.DefaultStartedTimeoutMargin, state.Id, stop).ConfigureAwait(false);
        if (requeued > 0)
        {
            LogRequeuedStarted(requeued);
        }

        var interrupted = await JobRecovery.RequeueInterruptedJobsAsync(store, now, stop).ConfigureAwait(false);
        if (interrupted > 0)
        {
            LogRequeuedInterrupted(interrupted);
        }

        if (requeued + interrupted > 0)
        {
            // As for due retries: the jobs are queued again, and this worker may be idle.
            state.Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Path} {Id} timed out after {Timeout}s: status timeout, CancellationToken cancelled. A task that ignores its CancellationToken keeps its slot until it returns.")]
    private partial void LogTimedOut(string path, JobId id, int timeout);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handed {Count} job(s) claimed ahead back to their queue after {Seconds}s without a free greenlet")]
    private partial void LogHandedBack(int count, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Path} {Id} was cancelled or requeued while running: CancellationToken cancelled")]
    private partial void LogClaimLost(string path, JobId id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Requeued {Count} job(s) left started by dead workers")]
    private partial void LogRequeuedStarted(long count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Requeued {Count} interrupted job(s)")]
    private partial void LogRequeuedInterrupted(long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker maintenance failed: {Message}")]
    private partial void LogMonitorFailed(string message);
}
