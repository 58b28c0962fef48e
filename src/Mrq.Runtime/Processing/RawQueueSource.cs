using System.Diagnostics;
using MessagePack;
using Microsoft.Extensions.Logging;
using Mrq.Infrastructure;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// A raw queue: takes up to N raw params from the broker in one round trip, turns each into a job with the queue's
/// generated factory and, unless <c>started</c> is in <c>statuses_no_storage</c>, stores the whole batch as
/// <c>started</c> in one bulk write. A param the factory rejects becomes a <c>failed</c> job that keeps the raw param
/// and the exception; the rest of the batch runs. A batch popped while the store fails is kept (pending) and stored by
/// the next call before anything else is popped; a worker that stops with a batch still pending pushes it back.
/// </summary>
/// <remarks>
/// With <c>pipeline_raw_dequeue</c> (queues that store <c>started</c> only), a full batch's pass pops the next batch
/// while its own transaction commits; the next pass takes that batch instead of popping, so the broker's round trip
/// overlaps the store's. A batch popped ahead that no pass takes within <see cref="PrefetchHoldLimit"/> (slots busy
/// with long jobs, the queue paused) is pushed back onto the queue, as at stop: docs/queues.md's safety table gives
/// this window.
/// </remarks>
internal sealed partial class RawQueueSource : QueueSource
{
    private readonly IQueueBroker _broker;
    private readonly IJobStore _store;
    private readonly string _queue;
    private readonly RawQueueDescriptor _descriptor;
    private readonly ILogger _logger;
    private readonly string _rawQueue;
    private readonly bool _storeStarted;
    private readonly bool _storeFailed;
    private readonly List<string> _items = [];
    private readonly List<JobInfo> _documents = [];
    private readonly bool _pipelined;
    private readonly Lock _prefetchGate = new();
    private PendingBatch? _pending;
    private Prefetch? _prefetch;
    private Timer? _prefetchTimer;
    private bool _prefetchTimerSet;
    private int _passesWithoutPopAhead;
    private int _largestBatch;

    /// <summary>How long a batch popped ahead may wait for the pass that takes it before it is pushed back.</summary>
    internal static readonly TimeSpan PrefetchHoldLimit = TimeSpan.FromMilliseconds(200);

    /// <summary>Passes that pop nothing ahead after a batch popped ahead had to be pushed back (the jobs are long).</summary>
    private const int PassesWithoutPopAheadAfterAMiss = 16;

    public RawQueueSource(IQueueBroker broker, IJobStore store, string queue, RawQueueDescriptor descriptor, ILogger logger, bool pipelined = false)
    {
        _broker = broker;
        _store = store;
        _queue = queue;
        _descriptor = descriptor;
        _logger = logger;
        _storeStarted = !descriptor.SkipsStorageOf(JobStatus.Started);
        _storeFailed = !descriptor.SkipsStorageOf(JobStatus.Failed);
        _rawQueue = queue.TrimEnd('/');
        _pipelined = pipelined && _storeStarted;
    }

    public override string Name => _queue;

    public override async ValueTask<int> DequeueAsync(int max, IClaimRecount? recount, string workerId, List<ClaimedJob> into, OutcomeBatch outcomes, CancellationToken cancellationToken)
    {
        if (_pending is { } pending)
        {
            // Popped before the store failed: stored (and run) before anything else is popped, so nothing popped is lost.
            await _store.CompleteAndInsertAsync(outcomes.Items, pending.Documents, CancellationToken.None).ConfigureAwait(false);
            outcomes.MarkWritten();
            _pending = null;
            into.AddRange(pending.Jobs);
            return pending.Jobs.Length;
        }

        _items.Clear();
        _documents.Clear();
        var now = DateTime.UtcNow;
        var (taken, more) = _pipelined ? await TakePrefetchedAsync(max).ConfigureAwait(false) : (0, false);
        if (taken == 0)
        {
            // Nothing popped ahead, or the queue was empty then: look now (a job may have come since).
            taken = await _broker.DequeueAsync(_queue, max, now, _descriptor.PushbackSeconds, _items, cancellationToken).ConfigureAwait(false);
            more = taken == max;
        }

        if (taken == 0)
        {
            return 0;
        }

        var first = into.Count;
        foreach (var raw in _items)
        {
            JobRequest request;
            try
            {
                request = _descriptor.Factory(raw);
            }
            catch (Exception e)
            {
                RejectedParam(raw, e, workerId, now);
                continue;
            }

            var job = new ClaimedJob(JobId.NewId(now), request.Path, _descriptor.RetryQueue, request.Params, 0, now, now, _rawQueue, _descriptor, _storeStarted);
            into.Add(job);
            if (_storeStarted)
            {
                _documents.Add(new JobInfo
                {
                    Id = job.Id,
                    Path = job.Path,
                    Queue = job.Queue,
                    Status = JobStatus.Started,
                    Params = job.Params,
                    DateQueued = now,
                    DateStarted = now,
                    DateUpdated = now,
                    Worker = workerId,
                    RawQueue = job.RawQueue,
                });
            }
        }

        if (_pipelined && more && !cancellationToken.IsCancellationRequested)
        {
            // The last pop took all it asked for, so the queue likely holds more: pop the next batch while this one's
            // transaction commits, as large as the largest batch asked for yet (at most the greenlets).
            _largestBatch = Math.Max(_largestBatch, max);
            PopAhead(_largestBatch);
        }

        if (_documents.Count > 0)
        {
            // The window MRQ documents for raw queues: popped from the broker but not yet stored. It ends here, in the
            // same transaction as the outcomes of the jobs that ended meanwhile.
            var documents = _documents.ToArray();
            try
            {
                await _store.CompleteAndInsertAsync(outcomes.Items, documents, CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                _pending = new PendingBatch([.. into.Skip(first)], documents, [.. _items]);
                into.RemoveRange(first, into.Count - first);
                throw;
            }

            outcomes.MarkWritten();
        }

        return into.Count - first;
    }

    /// <summary>
    /// The worker stops with a batch still pending: stores it if the store answers now (its jobs then wait as
    /// <c>started</c> until maintenance requeues them), else pushes the raw params back onto the queue (a list's head;
    /// a sorted set's score is not kept: they come back with score 0, due at once on a timed set), else logs each of
    /// them.
    /// </summary>
    public override async ValueTask ReleaseAsync()
    {
        Prefetch? prefetch;
        lock (_prefetchGate)
        {
            prefetch = _prefetch;
            _prefetch = null;
            _prefetchTimer?.Dispose();
            _prefetchTimer = null;
        }

        if (prefetch is not null)
        {
            await PushBackAsync(prefetch).ConfigureAwait(false);
        }

        if (_pending is not { } pending)
        {
            return;
        }

        _pending = null;
        try
        {
            await _store.InsertAsync(pending.Documents, CancellationToken.None).ConfigureAwait(false);
            LogPendingStored(_queue, pending.Documents.Length);
            return;
        }
        catch (Exception e)
        {
            LogPendingNotStored(_queue, StoreOutage.Describe(e));
        }

        await PushBackAsync(pending.Raw).ConfigureAwait(false);
    }

    /// <summary>Puts raw params taken from the queue but never stored back onto it.</summary>
    private async ValueTask PushBackAsync(IReadOnlyCollection<string> raw)
    {
        if (raw.Count == 0)
        {
            return;
        }

        // The listen form root/ pushes back onto the root: which subqueue each param came from is not known.
        var root = _rawQueue;
        try
        {
            await _broker.PushBackAsync(root, raw.Select(r => new RawItem(r)).ToArray(), CancellationToken.None).ConfigureAwait(false);
            LogPendingPushedBack(raw.Count, root);
        }
        catch (Exception e)
        {
            LogPendingLost(raw.Count, root, StoreOutage.Describe(e), string.Join("\n", raw));
        }
    }

    /// <summary>Pushes back what is left of a batch popped ahead once its pop has answered (a failed pop took nothing).</summary>
    private async ValueTask PushBackAsync(Prefetch prefetch)
    {
        try
        {
            await prefetch.Pop.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogPrefetchFailed(_queue, StoreOutage.Describe(e));
            return;
        }

        await PushBackAsync(prefetch.Items.GetRange(prefetch.Taken, prefetch.Items.Count - prefetch.Taken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts popping params for the next pass, so that with what is left of the batch popped ahead before it holds
    /// <paramref name="size"/> params.
    /// </summary>
    private void PopAhead(int size)
    {
        lock (_prefetchGate)
        {
            if (_passesWithoutPopAhead > 0)
            {
                // A batch popped ahead waited in vain lately: popping ahead now would likely only push it back again.
                _passesWithoutPopAhead--;
                return;
            }

            var left = _prefetch;
            var leftCount = left is null ? 0 : left.Items.Count - left.Taken;
            if (leftCount >= size)
            {
                return;
            }

            // The pop appends to the params left over, so the next pass sees one batch; the hold limit counts from the
            // oldest of them.
            var items = new List<string>(size);
            if (left is not null)
            {
                for (var i = left.Taken; i < left.Items.Count; i++)
                {
                    items.Add(left.Items[i]);
                }
            }

            var want = size - leftCount;
            var pop = _broker.DequeueAsync(_queue, want, DateTime.UtcNow, _descriptor.PushbackSeconds, items, CancellationToken.None).AsTask();
            Publish(new Prefetch(pop, items, want, left?.PoppedAt ?? Stopwatch.GetTimestamp()));
        }
    }

    /// <summary>
    /// Makes <paramref name="prefetch"/> the batch ahead, its push-back due when its hold limit passes. Under the gate.
    /// A timer already set fires no later than that (it was set for an older batch), and then sets itself again for the
    /// batch ahead at that time, so the timer is set about once per hold limit rather than once per pass.
    /// </summary>
    private void Publish(Prefetch prefetch)
    {
        _prefetch = prefetch;
        if (_prefetchTimerSet)
        {
            return;
        }

        _prefetchTimer ??= new Timer(static state => ((RawQueueSource)state!).OnHoldLimit(), this, Timeout.Infinite, Timeout.Infinite);
        var left = PrefetchHoldLimit - Stopwatch.GetElapsedTime(prefetch.PoppedAt);
        _prefetchTimerSet = true;
        _prefetchTimer.Change(left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Takes up to <paramref name="max"/> params from the batch popped ahead into <c>_items</c>; what is left waits for
    /// the next pass (within the hold limit). Also says whether that pop took all it asked for (the queue may hold
    /// more). A failed pop surfaces here, as the pass's own pop would.
    /// </summary>
    private async ValueTask<(int Taken, bool More)> TakePrefetchedAsync(int max)
    {
        Prefetch? prefetch;
        lock (_prefetchGate)
        {
            prefetch = _prefetch;
            _prefetch = null;
        }

        if (prefetch is null)
        {
            return (0, false);
        }

        var popped = await prefetch.Pop.ConfigureAwait(false);
        var count = Math.Min(max, prefetch.Items.Count - prefetch.Taken);
        for (var i = 0; i < count; i++)
        {
            _items.Add(prefetch.Items[prefetch.Taken + i]);
        }

        prefetch.Taken += count;
        if (prefetch.Taken < prefetch.Items.Count)
        {
            lock (_prefetchGate)
            {
                Publish(prefetch);
            }
        }

        return (count, popped == prefetch.Requested);
    }

    /// <summary>The hold limit passed: a batch popped ahead that no pass has taken since goes back onto the queue.</summary>
    private void OnHoldLimit()
    {
        Prefetch? stale;
        lock (_prefetchGate)
        {
            _prefetchTimerSet = false;
            if (_prefetch is not { } prefetch || _prefetchTimer is null)
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(prefetch.PoppedAt) < PrefetchHoldLimit)
            {
                // A later batch than the one the timer was set for: wait out its own limit.
                Publish(prefetch);
                return;
            }

            stale = prefetch;
            _prefetch = null;
            _passesWithoutPopAhead = PassesWithoutPopAheadAfterAMiss;
        }

        _ = PushBackAsync(stale).AsTask();
    }

    private void RejectedParam(string raw, Exception e, string workerId, DateTime now)
    {
        var exceptionType = e.GetType().FullName ?? e.GetType().Name;
        var shownRaw = ValueText.Truncate(raw, ValueText.MaxShownValueLength);
        LogRejected(_queue, shownRaw, exceptionType, ValueText.Truncate(e.Message, ValueText.MaxShownValueLength));
        if (!_storeFailed)
        {
            return;
        }

        // The params keep the whole raw param (nothing is lost); the traceback quotes it only up to the size limit.
        var traceback = ValueText.Traceback($"The job factory of raw queue '{_queue}' rejected the raw param \"{shownRaw}\":{Environment.NewLine}{e}");
        _documents.Add(new JobInfo
        {
            Id = JobId.NewId(now),
            Path = _descriptor.FactoryName,
            Queue = _descriptor.RetryQueue,
            Status = JobStatus.Failed,
            Params = RawParams(raw),
            ExceptionType = exceptionType,
            Traceback = traceback,
            TracebackHistory = Outcomes.FirstHistory(now, JobStatus.Failed, exceptionType, traceback, null, workerId),
            DateQueued = now,
            DateStarted = now,
            DateUpdated = now,
            Worker = workerId,
            RawQueue = _rawQueue,
        });
    }

    /// <summary>The params of a rejected job: <c>{"raw": "&lt;param&gt;"}</c>, so the raw param is never lost.</summary>
    private static byte[] RawParams(string raw)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(raw.Length + 8);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(1);
        writer.Write("raw");
        writer.Write(raw);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Jobs built from a popped batch that the store refused, with their documents and the raw params.</summary>
    private sealed record PendingBatch(ClaimedJob[] Jobs, JobInfo[] Documents, string[] Raw);

    /// <summary>
    /// A batch popped ahead for the next pass: its pop (which appends to <see cref="Items"/> after the params left over
    /// from the batch before, if any), how many it asked for, when the oldest of its params was popped, how many a pass
    /// has taken.
    /// </summary>
    private sealed class Prefetch(Task<int> pop, List<string> items, int requested, long poppedAt)
    {
        public Task<int> Pop { get; } = pop;

        public int Requested { get; } = requested;

        public List<string> Items { get; } = items;

        public long PoppedAt { get; } = poppedAt;

        public int Taken { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raw queue {Queue}: stored the {Count} job(s) popped during the store outage as started; maintenance requeues them")]
    private partial void LogPendingStored(string queue, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raw queue {Queue}: the batch popped during the store outage still cannot be stored: {Reason}")]
    private partial void LogPendingNotStored(string queue, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pushed {Count} raw param(s) taken but not stored back onto {Queue}")]
    private partial void LogPendingPushedBack(int count, string queue);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Could not store nor push back {Count} raw param(s) of {Queue} ({Reason}); they are:\n{Raw}")]
    private partial void LogPendingLost(int count, string queue, string reason, string raw);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raw queue {Queue}: the batch popped ahead did not arrive: {Reason}")]
    private partial void LogPrefetchFailed(string queue, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Raw queue {Queue}: the job factory rejected \"{Raw}\": {ExceptionType}: {Message}")]
    private partial void LogRejected(string queue, string raw, string exceptionType, string message);
}
