using Mrq.Configuration;
using Mrq.Diagnostics;
using Mrq.Infrastructure;
using Mrq.Storage;

namespace Mrq;

/// <summary>
/// The client over a job store: enqueue with bulk inserts, read and act on jobs. The single-job and synchronous
/// overloads, and waiting, come from <see cref="MrqClientExtensions"/>.
/// </summary>
internal sealed class StoreClient : IMrqClient, IDisposable
{
    private readonly bool _ownsStores;
    private readonly OpenOnce<IJobStore> _store;
    private readonly Lazy<TaskPolicies> _policies;
    private readonly Lazy<IReadOnlySet<string>> _quietQueues;
    private readonly OpenOnce<IQueueBroker> _broker;
    private readonly QueueNotifier _notifier;

    public StoreClient(IJobStore store, Func<IQueueBroker> openBroker, bool ownsStores, MrqSettings? settings = null)
        : this(() => store, openBroker, ownsStores, settings)
    {
    }

    public StoreClient(Func<IJobStore> openStore, Func<IQueueBroker> openBroker, bool ownsStores, MrqSettings? settings = null)
    {
        Settings = settings ?? new MrqSettings();
        _policies = new Lazy<TaskPolicies>(() => TaskPolicies.Create(Settings));
        _quietQueues = new Lazy<IReadOnlySet<string>>(() => QueuesConfig.QuietQueues(Settings));
        _store = new OpenOnce<IJobStore>(openStore);
        _broker = new OpenOnce<IQueueBroker>(openBroker);
        _ownsStores = ownsStores;
        _notifier = new QueueNotifier(() => Store, () => Broker, () => _quietQueues.Value);
    }

    /// <summary>
    /// The job store, opened on first use (so a command that stops on bad arguments never creates a file); an open that
    /// failed is tried again by the next call.
    /// </summary>
    public IJobStore Store => _store.Value;

    /// <summary>The settings the client was made with (TTLs of bulk actions).</summary>
    public MrqSettings Settings { get; }

    /// <summary>The raw-queue broker, connected on first use (a Redis connection only when raw queues are used).</summary>
    public IQueueBroker Broker => _broker.Value;

    /// <summary>Where enqueues are counted (the process's static <c>Mrq</c> meter unless a host sets its own).</summary>
    internal MrqMetrics Metrics { get; set; } = MrqMetrics.Default;

    private async ValueTask StoreAsync(NewJob[] jobs, System.Diagnostics.Activity? activity, CancellationToken cancellationToken)
    {
        if (activity is null)
        {
            await Store.EnqueueAsync(jobs, cancellationToken).ConfigureAwait(false);
            return;
        }

        MrqActivities.Enqueued(activity, jobs);
        try
        {
            await Store.EnqueueAsync(jobs, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            MrqActivities.Failed(activity, e);
            throw;
        }
    }

    public async ValueTask<IReadOnlyList<JobId>> EnqueueManyAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
        {
            return [];
        }

        var now = DateTime.UtcNow;
        var queues = new string[jobs.Count];
        string? onlyQueue = null;
        for (var i = 0; i < queues.Length; i++)
        {
            queues[i] = QueueOf(jobs[i]);
            EnsureRegular(queues[i]);
            onlyQueue = i == 0 || string.Equals(onlyQueue, queues[i], StringComparison.Ordinal) ? queues[i] : null;
        }

        using var activity = MrqActivities.StartSend(onlyQueue, jobs.Count);
        var (traceParent, traceState) = MrqActivities.ContextToStore(activity);
        var newJobs = new NewJob[jobs.Count];
        var ids = new JobId[jobs.Count];
        var delayed = 0;
        for (var i = 0; i < newJobs.Length; i++)
        {
            ids[i] = JobId.NewId(now);
            var due = jobs[i].DueAfter(now);
            delayed += due is null ? 0 : 1;
            newJobs[i] = new NewJob(ids[i], jobs[i].Path, queues[i], jobs[i].Params, now, traceParent, traceState, due);
        }

        await StoreAsync(newJobs, activity, cancellationToken).ConfigureAwait(false);
        RecordSent(queues);

        // Delayed jobs wake nobody now: the worker that queues them when they are due does.
        var wake = delayed == 0 ? (onlyQueue is null ? queues : [onlyQueue]) : QueuesToRunNow(newJobs);
        await _notifier.NotifyAsync(wake, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    private static string[] QueuesToRunNow(NewJob[] jobs) =>
        [.. jobs.Where(static j => j.DateRetry is null).Select(static j => j.Queue).Distinct(StringComparer.Ordinal)];

    private void RecordSent(string[] queues)
    {
        if (!Metrics.Sent.Enabled)
        {
            return;
        }

        foreach (var group in queues.GroupBy(q => q, StringComparer.Ordinal))
        {
            Metrics.RecordSent(group.Key, group.Count());
        }
    }

    public async ValueTask EnqueueRawAsync(string queue, IReadOnlyList<RawParam> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(items);
        if (!RawQueueNames.IsRaw(queue))
        {
            throw new ArgumentException($"'{queue}' is not a raw queue: its name must end in _raw, _set, _sorted_set or _timed_set.", nameof(queue));
        }

        if (items.Count == 0)
        {
            return;
        }

        var rawItems = new RawItem[items.Count];
        for (var i = 0; i < rawItems.Length; i++)
        {
            rawItems[i] = new RawItem(items[i].Value, items[i].Score);
        }

        // A raw queue holds only its param: the span covers the send, but no context travels with the items.
        using var activity = MrqActivities.StartSend(queue, rawItems.Length);
        try
        {
            await Broker.EnqueueAsync(queue, rawItems, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (activity is not null)
        {
            MrqActivities.Failed(activity, e);
            throw;
        }

        Metrics.RecordSent(queue, rawItems.Length);
        if (QueuesConfig.Notifies(_quietQueues.Value, queue))
        {
            try
            {
                await Broker.NotifyAsync(queue, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Lossy by design (see IQueueBroker.NotifyAsync).
            }
        }
    }

    public ValueTask<long> RemoveRawAsync(string queue, IReadOnlyList<string> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(items);
        return Broker.RemoveAsync(queue, items, cancellationToken);
    }

    public ValueTask PauseQueueAsync(string queue, CancellationToken cancellationToken = default) => Broker.PauseQueueAsync(queue, cancellationToken);

    public ValueTask ResumeQueueAsync(string queue, CancellationToken cancellationToken = default) => Broker.ResumeQueueAsync(queue, cancellationToken);

    public ValueTask<IReadOnlyList<string>> GetPausedQueuesAsync(CancellationToken cancellationToken = default) => Broker.GetPausedQueuesAsync(cancellationToken);

    public ValueTask<long> CancelAsync(JobFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var now = DateTime.UtcNow;
        return Store.CancelAsync(filter, now, now.AddSeconds(Settings.DefaultJobCancelTtl), cancellationToken);
    }

    public async ValueTask<long> RequeueAsync(JobFilter filter, string? destinationQueue = null, bool keepRetryCount = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (destinationQueue is not null)
        {
            EnsureRegular(destinationQueue);
        }

        var requeued = await Store.RequeueAsync(filter, destinationQueue, keepRetryCount, DateTime.UtcNow, cancellationToken).ConfigureAwait(false);
        if (requeued > 0 && _notifier.AnnouncesRequeues)
        {
            // Through the broker, idle workers hear of it when the action names the queue or one job; others find the
            // jobs at their next poll.
            var queue = destinationQueue ?? filter.Queue;
            if (queue is null && filter.Id is { } id && await Store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { Queue: { } jobQueue })
            {
                queue = jobQueue;
            }

            if (queue is not null && !RawQueueNames.IsRaw(queue))
            {
                await _notifier.NotifyAsync([queue], cancellationToken).ConfigureAwait(false);
            }
        }

        return requeued;
    }

    public ValueTask<string> GetLogsAsync(JobId id, CancellationToken cancellationToken = default) => Store.GetLogsAsync(id, cancellationToken);

    public ValueTask<JobInfo?> GetJobAsync(JobId id, CancellationToken cancellationToken = default) => Store.GetAsync(id, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_ownsStores)
        {
            if (_broker.IsOpen)
            {
                await _broker.Value.DisposeAsync().ConfigureAwait(false);
            }

            if (_store.IsOpen)
            {
                await _store.Value.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The job's queue: named with OnQueue, else the config's TASKS queue for its path, else the task's default.</summary>
    private string QueueOf(in JobRequest job) => job.QueueNamed ? job.Queue : _policies.Value.For(job.Path).Queue ?? job.Queue;

    private static void EnsureRegular(string queue)
    {
        if (RawQueueNames.IsRaw(queue))
        {
            throw new InvalidOperationException($"Can't queue regular jobs on the raw queue '{queue}'; use its generated RawQueues.<Name>.Enqueue or IMrqClient.EnqueueRaw.");
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
