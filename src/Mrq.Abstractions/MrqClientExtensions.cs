namespace Mrq;

/// <summary>
/// The synchronous and single-job overloads of <see cref="IMrqClient"/>, written once over its asynchronous core so a
/// client implementation provides only that core (the shape of Hangfire's <c>IBackgroundJobClient</c>).
/// </summary>
public static class MrqClientExtensions
{
    // Workers start a job within a millisecond or two of its enqueue, so the first reads come that soon; the wait between
    // reads then doubles, so a long job costs a read every half second, not a busy loop.
    private static readonly TimeSpan s_firstPoll = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan s_maxPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>Enqueues one job on its regular queue and returns its id.</summary>
    public static JobId Enqueue(this IMrqClient client, JobRequest job) => client.EnqueueAsync(job).AsTask().GetAwaiter().GetResult();

    /// <summary>Enqueues many jobs with batched bulk inserts and returns their ids in order.</summary>
    public static IReadOnlyList<JobId> EnqueueMany(this IMrqClient client, IReadOnlyList<JobRequest> jobs)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.EnqueueManyAsync(jobs).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Enqueues one job on its regular queue and returns its id.</summary>
    public static async ValueTask<JobId> EnqueueAsync(this IMrqClient client, JobRequest job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var ids = await client.EnqueueManyAsync([job], cancellationToken).ConfigureAwait(false);
        return ids[0];
    }

    /// <summary>
    /// Adds raw params to a raw queue (a name ending in <c>_raw</c>, <c>_set</c>, <c>_sorted_set</c> or <c>_timed_set</c>)
    /// in one round trip. The generated <c>RawQueues.&lt;Name&gt;.Enqueue(...)</c> methods call this.
    /// </summary>
    public static void EnqueueRaw(this IMrqClient client, string queue, IReadOnlyList<RawParam> items)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.EnqueueRawAsync(queue, items).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Waits until the job is neither queued nor started, nor delayed and not yet run (<see cref="JobRequest.DelayBy"/>:
    /// status <c>retry</c> with no retry counted), and returns it; throws <see cref="TimeoutException"/> when
    /// <paramref name="timeout"/> passes first. A job that asked for a retry is returned in status <c>retry</c>, as MRQ
    /// does.
    /// </summary>
    public static ValueTask<JobInfo> WaitAsync(this IMrqClient client, JobId id, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitWhileAsync(client, id, timeout, static job => job.Status is JobStatus.Queued or JobStatus.Started || (job.Status == JobStatus.Retry && job.RetryCount == 0), cancellationToken);

    /// <summary>
    /// Waits until the job has reached a status that workers never move it out of (<c>success</c>, <c>failed</c>,
    /// <c>maxretries</c>, <c>abort</c>, <c>cancel</c>, <c>timeout</c>, <c>maxconcurrency</c>): through its retries and
    /// through <c>interrupt</c>, which every worker's maintenance requeues. Returns it, or throws
    /// <see cref="TimeoutException"/> when <paramref name="timeout"/> passes first. For a caller that wants the job's
    /// outcome whatever retries it takes (<c>RetryOnFailure</c>), where <see cref="WaitAsync"/> returns at the first
    /// retry, as MRQ's <c>wait</c> does.
    /// </summary>
    public static ValueTask<JobInfo> WaitForFinalStatusAsync(this IMrqClient client, JobId id, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitWhileAsync(client, id, timeout, static job => job.Status is JobStatus.Queued or JobStatus.Started or JobStatus.Retry or JobStatus.Interrupt, cancellationToken);

    private static async ValueTask<JobInfo> WaitWhileAsync(IMrqClient client, JobId id, TimeSpan timeout, Func<JobInfo, bool> pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var deadline = DateTime.UtcNow + timeout;
        var poll = s_firstPoll;
        while (true)
        {
            var job = await client.GetJobAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"No job has id {id}.");
            if (!pending(job))
            {
                return job;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Waited for job result for {timeout.TotalSeconds:0.###} seconds, timeout (job {id} is {job.Status.ToName()}).");
            }

            await Task.Delay(poll < left ? poll : left, cancellationToken).ConfigureAwait(false);
            poll = poll * 2 < s_maxPoll ? poll * 2 : s_maxPoll;
        }
    }
}
