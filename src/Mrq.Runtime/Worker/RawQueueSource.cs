using MessagePack;
using Microsoft.Extensions.Logging;
using Mrq.Infrastructure;
using Mrq.Storage;

namespace Mrq.Worker;

/// <summary>
/// A raw queue: takes up to N raw params from the broker in one round trip, turns each into a job with the queue's
/// generated factory and, unless <c>started</c> is in <c>statuses_no_storage</c>, stores the whole batch as
/// <c>started</c> in one bulk write. A param the factory rejects becomes a <c>failed</c> job that keeps the raw param
/// and the exception; the rest of the batch runs.
/// </summary>
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

    public RawQueueSource(IQueueBroker broker, IJobStore store, string queue, RawQueueDescriptor descriptor, ILogger logger)
    {
        _broker = broker;
        _store = store;
        _queue = queue;
        _descriptor = descriptor;
        _logger = logger;
        _storeStarted = !descriptor.SkipsStorageOf(JobStatus.Started);
        _storeFailed = !descriptor.SkipsStorageOf(JobStatus.Failed);
        _rawQueue = queue.TrimEnd('/');
    }

    public override string Name => _queue;

    public override async ValueTask<int> DequeueAsync(int max, string workerId, List<ClaimedJob> into, OutcomeBatch outcomes, CancellationToken cancellationToken)
    {
        _items.Clear();
        _documents.Clear();
        var now = DateTime.UtcNow;
        var taken = await _broker.DequeueAsync(_queue, max, now, _descriptor.PushbackSeconds, _items, cancellationToken).ConfigureAwait(false);
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

        if (_documents.Count > 0)
        {
            // The window MRQ documents for raw queues: popped from the broker but not yet stored. It ends here, in the
            // same transaction as the outcomes of the jobs that ended meanwhile.
            await _store.CompleteAndInsertAsync(outcomes.Items, _documents.ToArray(), CancellationToken.None).ConfigureAwait(false);
            outcomes.MarkWritten();
        }

        return into.Count - first;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Raw queue {Queue}: the job factory rejected \"{Raw}\": {ExceptionType}: {Message}")]
    private partial void LogRejected(string queue, string raw, string exceptionType, string message);
}
