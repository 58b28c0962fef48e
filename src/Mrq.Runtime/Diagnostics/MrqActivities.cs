using System.Diagnostics;
using Mrq.Storage;

namespace Mrq.Diagnostics;

/// <summary>
/// Mrq's spans, after OpenTelemetry's messaging conventions: a producer span <c>send &lt;queue&gt;</c> per enqueue call
/// and a consumer span <c>process &lt;queue&gt;</c> per job run. Every method returns null and allocates nothing while no
/// listener samples the source.
/// </summary>
internal static class MrqActivities
{
    public static readonly ActivitySource Source = new(MrqDiagnostics.ActivitySourceName, typeof(MrqActivities).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the producer span of an enqueue of <paramref name="count"/> jobs (all on <paramref name="queue"/> when not null).</summary>
    public static Activity? StartSend(string? queue, int count)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(queue is null ? MessagingTags.Send : $"{MessagingTags.Send} {queue}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingTags.System, MrqDiagnostics.MessagingSystem);
            activity.SetTag(MessagingTags.OperationType, MessagingTags.Send);
            activity.SetTag(MessagingTags.OperationName, MessagingTags.Send);
            if (queue is not null)
            {
                activity.SetTag(MessagingTags.DestinationName, queue);
            }

            if (count > 1)
            {
                activity.SetTag(MessagingTags.BatchMessageCount, count);
            }
        }

        return activity;
    }

    /// <summary>Tags a producer span with what its jobs are (one job: its id and path; several: their path when they share one).</summary>
    public static void Enqueued(Activity activity, ReadOnlySpan<NewJob> jobs)
    {
        if (!activity.IsAllDataRequested || jobs.IsEmpty)
        {
            return;
        }

        if (jobs.Length == 1)
        {
            activity.SetTag(MessagingTags.MessageId, jobs[0].Id.ToString());
        }

        var path = jobs[0].Path;
        foreach (ref readonly var job in jobs)
        {
            if (!string.Equals(job.Path, path, StringComparison.Ordinal))
            {
                return;
            }
        }

        activity.SetTag(MessagingTags.TaskPath, path);
    }

    /// <summary>
    /// The W3C context to store with enqueued jobs: the producer span's, else the caller's current span's (an application
    /// that traces with another source still links its jobs), else none.
    /// </summary>
    public static (string? TraceParent, string? TraceState) ContextToStore(Activity? send)
    {
        var activity = send ?? Activity.Current;
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return (null, null);
        }

        return (activity.Id, string.IsNullOrEmpty(activity.TraceStateString) ? null : activity.TraceStateString);
    }

    /// <summary>Records a failed enqueue on its producer span.</summary>
    public static void Failed(Activity activity, Exception e)
    {
        activity.SetStatus(ActivityStatusCode.Error, e.Message);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(MessagingTags.ErrorType, e.GetType().FullName);
            activity.AddException(e);
        }
    }

    /// <summary>
    /// Starts the consumer span of a job run: linked to the enqueue's stored context and, unless
    /// <paramref name="linkOnly"/>, its child (so the job continues the enqueuer's trace). A job without a stored context
    /// (raw queues, jobs enqueued while nothing was traced) starts a new trace.
    /// </summary>
    public static Activity? StartProcess(ClaimedJob job, bool linkOnly, string workerId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext enqueued = default;
        var hasContext = job.TraceParent is not null && ActivityContext.TryParse(job.TraceParent, job.TraceState, isRemote: true, out enqueued);

        // The worker's own code never runs inside an application's span, but make sure the job's span never inherits one.
        Activity.Current = null;
        var activity = Source.StartActivity(
            ActivityKind.Consumer,
            hasContext && !linkOnly ? enqueued : default,
            tags: null,
            links: hasContext ? [new ActivityLink(enqueued)] : null,
            name: $"{MessagingTags.Process} {job.Queue}");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingTags.System, MrqDiagnostics.MessagingSystem);
            activity.SetTag(MessagingTags.OperationType, MessagingTags.Process);
            activity.SetTag(MessagingTags.OperationName, MessagingTags.Process);
            activity.SetTag(MessagingTags.DestinationName, job.Queue);
            activity.SetTag(MessagingTags.MessageId, job.Id.ToString());
            activity.SetTag(MessagingTags.TaskPath, job.Path);
            activity.SetTag(MessagingTags.RetryCount, job.RetryCount);
            activity.SetTag(MessagingTags.WorkerId, workerId);
        }

        return activity;
    }

    /// <summary>Ends a job's span with its final status; <paramref name="exception"/> is recorded as an event.</summary>
    public static void Ended(Activity activity, JobStatus status, string? errorType, Exception? exception)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(MessagingTags.Status, status.ToName());
            if (errorType is not null)
            {
                activity.SetTag(MessagingTags.ErrorType, errorType);
            }

            if (exception is not null)
            {
                activity.AddException(exception);
            }
        }

        if (exception is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        }

        activity.Stop();
    }
}
