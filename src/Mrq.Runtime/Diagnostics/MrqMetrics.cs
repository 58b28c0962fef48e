using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Mrq.Diagnostics;

/// <summary>
/// Mrq's instruments on a <see cref="Meter"/> named <c>Mrq</c>: OpenTelemetry's messaging metrics where the conventions
/// have one (<c>messaging.client.sent.messages</c>, <c>messaging.process.duration</c>), <c>mrq.*</c> otherwise. Each
/// record checks <see cref="Instrument.Enabled"/> first, so nothing is computed or allocated while nobody listens.
/// </summary>
/// <remarks>
/// A process has one shared instance on a static meter (<see cref="Default"/>); an application whose services hold an
/// <see cref="IMeterFactory"/> (a .NET host) gets one per factory (<see cref="For"/>), as the factory's contract asks.
/// </remarks>
internal sealed class MrqMetrics
{
    private static readonly ConditionalWeakTable<IMeterFactory, MrqMetrics> s_byFactory = new();
    private static readonly KeyValuePair<string, object?> s_system = new(MessagingTags.System, MrqDiagnostics.MessagingSystem);
    private static readonly KeyValuePair<string, object?> s_send = new(MessagingTags.OperationName, MessagingTags.Send);
    private static readonly KeyValuePair<string, object?> s_process = new(MessagingTags.OperationName, MessagingTags.Process);

    private readonly ConcurrentDictionary<IWorkerGauges, byte> _workers = new();

    public MrqMetrics(Meter meter)
    {
        Meter = meter;
        Sent = meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Jobs enqueued (one per job, also in bulk enqueues).");
        Processed = meter.CreateCounter<long>("mrq.jobs.processed", "{job}", "Jobs a worker ran to an outcome, by final status.");
        ProcessDuration = meter.CreateHistogram<double>("messaging.process.duration", "s", "How long jobs ran, from start to outcome.");
        QueueWait = meter.CreateHistogram<double>("mrq.job.queue_wait", "s", "Time from enqueue (or last requeue) to the start of a run.");
        InFlight = meter.CreateUpDownCounter<long>("mrq.jobs.in_flight", "{job}", "Jobs running now.");
        meter.CreateObservableGauge("mrq.worker.greenlets.busy", ObserveBusy, "{greenlet}", "Greenlets running a job, per worker.");
        meter.CreateObservableGauge("mrq.worker.greenlets.limit", ObserveLimit, "{greenlet}", "Greenlets of each worker (its --greenlets).");
        QueueSize = meter.CreateObservableGauge("mrq.queue.size", ObserveQueues, "{job}", "Queued jobs per queue a worker listens to (refreshed once a second).");
        meter.CreateObservableGauge("mrq.queue.rate_limited", ObserveRateLimited, "{queue}", "1 while a queue with a rate_limit waits for its next window, 0 otherwise.");
    }

    /// <summary>The instance on the process's static <c>Mrq</c> meter.</summary>
    public static MrqMetrics Default { get; } = new(new Meter(MrqDiagnostics.MeterName, typeof(MrqMetrics).Assembly.GetName().Version?.ToString()));

    public Meter Meter { get; }

    public Counter<long> Sent { get; }

    public Counter<long> Processed { get; }

    public Histogram<double> ProcessDuration { get; }

    public Histogram<double> QueueWait { get; }

    public UpDownCounter<long> InFlight { get; }

    public ObservableGauge<long> QueueSize { get; }

    /// <summary>The instance for <paramref name="services"/>: on its <see cref="IMeterFactory"/> when it has one, else <see cref="Default"/>.</summary>
    public static MrqMetrics For(IServiceProvider? services) =>
        services?.GetService(typeof(IMeterFactory)) is IMeterFactory factory
            ? s_byFactory.GetValue(factory, static f => new MrqMetrics(f.Create(new MeterOptions(MrqDiagnostics.MeterName) { Version = typeof(MrqMetrics).Assembly.GetName().Version?.ToString() })))
            : Default;

    public void RecordSent(string queue, int count)
    {
        if (Sent.Enabled)
        {
            Sent.Add(count, s_system, s_send, new(MessagingTags.DestinationName, queue));
        }
    }

    public void RecordStarted(string queue, DateTime dateQueued, DateTime dateStarted)
    {
        if (InFlight.Enabled)
        {
            InFlight.Add(1, s_system, new(MessagingTags.DestinationName, queue));
        }

        if (QueueWait.Enabled)
        {
            QueueWait.Record(Math.Max(0, (dateStarted - dateQueued).TotalSeconds), s_system, new(MessagingTags.DestinationName, queue));
        }
    }

    /// <summary>Records a run's end; <paramref name="started"/> is its <see cref="Stopwatch.GetTimestamp"/> (0 when the duration histogram was off at its start).</summary>
    public void RecordEnded(string queue, JobStatus status, string? errorType, long started)
    {
        if (InFlight.Enabled)
        {
            InFlight.Add(-1, s_system, new(MessagingTags.DestinationName, queue));
        }

        if (Processed.Enabled)
        {
            Processed.Add(1, s_system, new(MessagingTags.DestinationName, queue), new(MessagingTags.Status, status.ToName()));
        }

        if (ProcessDuration.Enabled && started != 0)
        {
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var tags = new TagList { s_system, s_process, new(MessagingTags.DestinationName, queue), new(MessagingTags.Status, status.ToName()) };
            if (errorType is not null)
            {
                tags.Add(MessagingTags.ErrorType, errorType);
            }

            ProcessDuration.Record(seconds, tags);
        }
    }

    /// <summary>Observes <paramref name="worker"/>'s gauges until <see cref="Unobserve"/>.</summary>
    public void Observe(IWorkerGauges worker) => _workers.TryAdd(worker, 0);

    public void Unobserve(IWorkerGauges worker) => _workers.TryRemove(worker, out _);

    private IEnumerable<Measurement<long>> ObserveBusy()
    {
        foreach (var worker in _workers.Keys)
        {
            yield return new(worker.BusyGreenlets, new KeyValuePair<string, object?>(MessagingTags.WorkerId, worker.WorkerId));
        }
    }

    private IEnumerable<Measurement<long>> ObserveLimit()
    {
        foreach (var worker in _workers.Keys)
        {
            yield return new(worker.Greenlets, new KeyValuePair<string, object?>(MessagingTags.WorkerId, worker.WorkerId));
        }
    }

    private IEnumerable<Measurement<long>> ObserveRateLimited()
    {
        // A queue waits for every worker of the broker at once: report each queue once, waiting if any worker says so.
        var waiting = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var worker in _workers.Keys)
        {
            foreach (var (queue, limited) in worker.RateLimitedQueues)
            {
                waiting[queue] = limited || waiting.GetValueOrDefault(queue);
            }
        }

        foreach (var (queue, limited) in waiting)
        {
            yield return new(limited ? 1 : 0, s_system, new KeyValuePair<string, object?>(MessagingTags.DestinationName, queue));
        }
    }

    private IEnumerable<Measurement<long>> ObserveQueues()
    {
        // Several workers of a process may listen to the same queue: report each queue once.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var worker in _workers.Keys)
        {
            foreach (var (queue, size) in worker.QueueSizes)
            {
                if (seen.Add(queue))
                {
                    yield return new(size, s_system, new KeyValuePair<string, object?>(MessagingTags.DestinationName, queue));
                }
            }
        }
    }
}

/// <summary>What a worker shows to <see cref="MrqMetrics"/>' observable gauges.</summary>
internal interface IWorkerGauges
{
    string WorkerId { get; }

    long BusyGreenlets { get; }

    long Greenlets { get; }

    /// <summary>The last counted size of each regular queue the worker listens to.</summary>
    IReadOnlyCollection<KeyValuePair<string, long>> QueueSizes { get; }

    /// <summary>Each queue with a rate limit the worker listens to, and whether it waits for its next window now.</summary>
    IEnumerable<KeyValuePair<string, bool>> RateLimitedQueues { get; }
}
