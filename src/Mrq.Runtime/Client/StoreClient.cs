using Mrq.Storage;

namespace Mrq;

/// <summary>The client over a job store: enqueue with bulk inserts, read jobs, wait for them.</summary>
internal sealed class StoreClient : IMrqClient, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan s_firstPoll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan s_maxPoll = TimeSpan.FromMilliseconds(500);

    private readonly bool _ownsStore;

    public StoreClient(IJobStore store, bool ownsStore)
    {
        Store = store;
        _ownsStore = ownsStore;
    }

    public IJobStore Store { get; }

    public JobId Enqueue(JobRequest job) => EnqueueAsync(job).AsTask().GetAwaiter().GetResult();

    public IReadOnlyList<JobId> EnqueueMany(IReadOnlyList<JobRequest> jobs) => EnqueueManyAsync(jobs).AsTask().GetAwaiter().GetResult();

    public async ValueTask<JobId> EnqueueAsync(JobRequest job, CancellationToken cancellationToken = default)
    {
        var now = DateTime.UtcNow;
        var newJob = new NewJob(JobId.NewId(now), job.Path, job.Queue, job.Params, now);
        await Store.EnqueueAsync(new[] { newJob }, cancellationToken).ConfigureAwait(false);
        return newJob.Id;
    }

    public async ValueTask<IReadOnlyList<JobId>> EnqueueManyAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
        {
            return [];
        }

        var now = DateTime.UtcNow;
        var newJobs = new NewJob[jobs.Count];
        var ids = new JobId[jobs.Count];
        for (var i = 0; i < newJobs.Length; i++)
        {
            var job = jobs[i];
            ids[i] = JobId.NewId(now);
            newJobs[i] = new NewJob(ids[i], job.Path, job.Queue, job.Params, now);
        }

        await Store.EnqueueAsync(newJobs, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    public ValueTask<JobInfo?> GetJobAsync(JobId id, CancellationToken cancellationToken = default) => Store.GetAsync(id, cancellationToken);

    public async ValueTask<JobInfo> WaitAsync(JobId id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var poll = s_firstPoll;
        while (true)
        {
            var job = await Store.GetAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"No job has id {id}.");
            if (job.Status is not (JobStatus.Queued or JobStatus.Started))
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

    public async ValueTask DisposeAsync()
    {
        if (_ownsStore)
        {
            await Store.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
