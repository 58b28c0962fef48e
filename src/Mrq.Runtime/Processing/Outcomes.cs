using System.Globalization;
using Mrq.Infrastructure;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// Maps how a job's run ended to its status, with MRQ's exception type names for interrupts (<c>RetryInterrupt</c>,
/// <c>MaxRetriesInterrupt</c>, <c>AbortInterrupt</c>, <c>TimeoutInterrupt</c>, <c>JobInterrupt</c>,
/// <c>MaxConcurrencyInterrupt</c>) and MRQ's TTLs: success and abort from now, other statuses from the queued date.
/// </summary>
internal static class Outcomes
{
    /// <summary>The outcome of a run that threw, with its tracebacks cut to <see cref="ValueText.MaxTracebackLength"/>.</summary>
    public static JobOutcome ForException(RunningJob running, Exception e)
    {
        var outcome = Classify(running, e);
        return outcome with { Traceback = ValueText.Traceback(outcome.Traceback), OriginalTraceback = ValueText.Traceback(outcome.OriginalTraceback) };
    }

    /// <summary>
    /// The <c>traceback_history</c> of a job stored whole at its end (a raw job never stored before): one entry when the
    /// status carries an exception, as the stores append for jobs already stored.
    /// </summary>
    public static IReadOnlyList<TracebackEntry> FirstHistory(DateTime date, JobStatus status, string? exceptionType, string? traceback, string? originalTraceback, string worker) =>
        exceptionType is null
            ? []
            : [new TracebackEntry { Date = date, Status = status, ExceptionType = exceptionType, Traceback = traceback, OriginalTraceback = originalTraceback, Worker = worker }];

    private static JobOutcome Classify(RunningJob running, Exception e)
    {
        var job = running.Job;
        var policy = running.Policy;
        var now = DateTime.UtcNow;
        var totalTime = (now - job.DateStarted).TotalSeconds;
        var expiresFromQueued = job.DateQueued.AddSeconds(policy.DefaultTtl);

        if (running.CancelledAs is { } reason)
        {
            return Interrupted(running, reason, now);
        }

        switch (e)
        {
            case JobRetryException retry:
                var maxRetries = retry.MaxRetries ?? policy.MaxRetries;
                if (job.RetryCount >= maxRetries)
                {
                    return new JobOutcome(job.Id, JobStatus.MaxRetries, now, ExceptionType: "MaxRetriesInterrupt",
                        Traceback: string.Create(CultureInfo.InvariantCulture, $"MaxRetriesInterrupt: the job was retried {job.RetryCount} times, its limit is {maxRetries}.{Environment.NewLine}{e}"),
                        DateExpires: expiresFromQueued, TotalTime: totalTime)
                    { OriginalTraceback = e.InnerException?.ToString() };
                }

                var delay = retry.Delay ?? policy.RetryDelayAfter(job.RetryCount, Random.Shared.NextDouble());
                var queue = retry.Queue ?? job.Queue;
                var retryCount = job.RetryCount + 1;
                if (delay <= TimeSpan.Zero)
                {
                    // MRQ's retry with no delay: straight back to the end of the queue.
                    return new JobOutcome(job.Id, JobStatus.Queued, now, TotalTime: totalTime)
                    {
                        Queue = queue,
                        RetryCount = retryCount,
                        DateQueued = now,
                    };
                }

                return new JobOutcome(job.Id, JobStatus.Retry, now, ExceptionType: "RetryInterrupt",
                    Traceback: string.Create(CultureInfo.InvariantCulture, $"RetryInterrupt #{retryCount}: {delay.TotalSeconds:0.###} seconds, {queue} queue"),
                    DateExpires: expiresFromQueued, TotalTime: totalTime)
                {
                    Queue = queue,
                    RetryCount = retryCount,
                    DateRetry = now + delay,
                    OriginalTraceback = e.InnerException?.ToString(),
                };

            case JobAbortException:
                return new JobOutcome(job.Id, JobStatus.Abort, now, ExceptionType: "AbortInterrupt", Traceback: e.ToString(),
                    DateExpires: now.AddSeconds(policy.AbortTtl), TotalTime: totalTime)
                { OriginalTraceback = e.InnerException?.ToString() };

            case MaxConcurrencyReachedException:
                return new JobOutcome(job.Id, JobStatus.MaxConcurrency, now, ExceptionType: "MaxConcurrencyInterrupt", Traceback: e.ToString(),
                    DateExpires: expiresFromQueued, TotalTime: totalTime);

            case not (MrqParamsException or MrqTaskNotFoundException) when policy.RetryOnFailure && job.RetryCount < policy.MaxRetries:
                // The task's RetryOnFailure: as if it had called Retry with the exception, until its retries run out.
                // Params it cannot read, or a task this worker does not have, would fail the same way again.
                return Classify(running, new JobRetryException(null, null, null, e));

            default:
                return new JobOutcome(job.Id, JobStatus.Failed, now, ExceptionType: e.GetType().FullName ?? e.GetType().Name, Traceback: e.ToString(),
                    DateExpires: expiresFromQueued, TotalTime: totalTime);
        }
    }

    /// <summary>The status of a job the worker stopped: timeout, interrupt (forced shutdown) or cancel.</summary>
    public static JobOutcome Interrupted(RunningJob running, JobStatus reason, DateTime now)
    {
        var job = running.Job;
        var totalTime = (now - job.DateStarted).TotalSeconds;
        return reason switch
        {
            JobStatus.Timeout => new JobOutcome(job.Id, JobStatus.Timeout, now, ExceptionType: "TimeoutInterrupt",
                Traceback: string.Create(CultureInfo.InvariantCulture, $"Job killed: timeout after {running.Policy.Timeout} seconds; its CancellationToken was cancelled."),
                DateExpires: job.DateQueued.AddSeconds(running.Policy.DefaultTtl), TotalTime: totalTime),
            JobStatus.Interrupt => new JobOutcome(job.Id, JobStatus.Interrupt, now, ExceptionType: "JobInterrupt",
                Traceback: "JobInterrupt: the worker was stopped forcibly (SIGTERM or a second SIGINT) while the job ran.",
                DateExpires: job.DateQueued.AddSeconds(running.Policy.DefaultTtl), TotalTime: totalTime),
            _ => new JobOutcome(job.Id, JobStatus.Cancel, now, DateExpires: now.AddSeconds(running.Policy.CancelTtl), TotalTime: totalTime),
        };
    }
}
