using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mrq.Diagnostics;
using Mrq.OpenTelemetry;
using Mrq.Processing;
using Mrq.Tests.Support;
using Mrq.Tests.Worker;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Mrq.Tests.Telemetry;

/// <summary>
/// The <c>Mrq</c> meter's values after a known workload (read with a <see cref="MeterListener"/>, the worker's meter
/// coming from the host's <see cref="IMeterFactory"/>), and the logging scope of the lines a job writes.
/// </summary>
public sealed class WorkerMetricsAndLogsTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    private sealed record Recorded(string Instrument, object? Scope, double Value, Dictionary<string, object?> Tags);

    [Fact]
    public async Task Metrics_count_sent_and_processed_jobs_time_them_and_show_busy_greenlets_and_queue_sizes()
    {
        var queue = "metrics_" + Guid.NewGuid().ToString("N")[..8];
        var gate = queue;
        using var factory = new TestMeterFactory();
        var recorded = new ConcurrentQueue<Recorded>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MrqDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();

        await using var harness = new WorkerHarness();
        // Two held jobs take both greenlets; the two failing jobs wait queued behind them.
        harness.Client.EnqueueMany([Tasks.Held.Job(gate: gate).OnQueue(queue), Tasks.Held.Job(gate: gate).OnQueue(queue)]);
        harness.Client.Enqueue(Mrq.Tests.Worker.Tasks.Raise.Job(message: "boom").OnQueue(queue));
        harness.Client.Enqueue(Mrq.Tests.Worker.Tasks.Raise.Job(message: "boom").OnQueue(queue));

        await using var services = new ServiceCollection().AddSingleton<IMeterFactory>(factory).BuildServiceProvider();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        WorkerEngine? engine = null;
        harness.Started = e => engine = e;
        var settings = new Configuration.MrqSettings { Greenlets = 2, MaxLatency = 0.05 };
        var run = harness.RunAsync(settings, services, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, stop.Token, queue);

        // The worker counts its queues once a second: wait for a count of the two queued jobs while both greenlets are busy.
        await Eventually.TrueAsync(
            () =>
            {
                listener.RecordObservableInstruments();
                return Task.FromResult(
                    Last("mrq.worker.greenlets.busy", "mrq.worker.id", engine?.Id) == 2 &&
                    Last("mrq.queue.size", MessagingTags.DestinationName, queue) == 2);
            },
            s_wait,
            "the gauges did not show 2 busy greenlets and 2 queued jobs");
        Assert.Equal(2, Last("mrq.worker.greenlets.limit", "mrq.worker.id", engine!.Id));

        Gates.For(gate).SetResult();
        await Eventually.TrueAsync(async () => (await harness.AllJobsAsync()).Count(j => j.Queue == queue && j.Status is JobStatus.Success or JobStatus.Failed) == 4, s_wait, "jobs did not all end");
        await stop.CancelAsync();
        await run;

        var ofQueue = recorded.Where(r => Equals(r.Tags.GetValueOrDefault(MessagingTags.DestinationName), queue)).ToList();

        // Sent by the client (the process's static meter): one per job, bulk or not.
        var sent = ofQueue.Where(r => r.Instrument == "messaging.client.sent.messages").ToList();
        Assert.Equal(4, sent.Sum(r => r.Value));
        Assert.All(sent, r => Assert.Equal("mrq", r.Tags[MessagingTags.System]));

        // Processed by the worker, on the host's meter.
        var processed = ofQueue.Where(r => r.Instrument == "mrq.jobs.processed").ToList();
        Assert.All(processed, r => Assert.Same(factory, r.Scope));
        Assert.Equal(2, processed.Where(r => Equals(r.Tags[MessagingTags.Status], "success")).Sum(r => r.Value));
        Assert.Equal(2, processed.Where(r => Equals(r.Tags[MessagingTags.Status], "failed")).Sum(r => r.Value));

        var durations = ofQueue.Where(r => r.Instrument == "messaging.process.duration").ToList();
        Assert.Equal(4, durations.Count);
        Assert.All(durations, r => Assert.True(r.Value >= 0));
        Assert.Equal(2, durations.Count(r => Equals(r.Tags.GetValueOrDefault(MessagingTags.ErrorType), typeof(InvalidOperationException).FullName)));
        Assert.All(durations, r => Assert.Equal("process", r.Tags[MessagingTags.OperationName]));

        var waits = ofQueue.Where(r => r.Instrument == "mrq.job.queue_wait").ToList();
        Assert.Equal(4, waits.Count);
        Assert.All(waits, r => Assert.True(r.Value >= 0));

        // In flight: up to the two held jobs, back to none.
        var inFlight = ofQueue.Where(r => r.Instrument == "mrq.jobs.in_flight").Select(r => r.Value).ToList();
        Assert.Equal(8, inFlight.Count);
        Assert.Equal(0, inFlight.Sum());
        Assert.Equal(2, inFlight.Select((_, i) => inFlight.Take(i + 1).Sum()).Max());

        double? Last(string instrument, string tag, string? value) =>
            recorded.LastOrDefault(r => r.Instrument == instrument && Equals(r.Tags.GetValueOrDefault(tag), value))?.Value;

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, item) in tags)
            {
                copy[key] = item;
            }

            recorded.Enqueue(new Recorded(instrument.Name, instrument.Meter.Scope, value, copy));
        }
    }

    [Fact]
    public async Task The_rate_limited_gauge_shows_a_queue_waiting_for_its_next_window()
    {
        var queue = "limited_" + Guid.NewGuid().ToString("N")[..8];
        using var factory = new TestMeterFactory();
        var waiting = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MrqDiagnostics.MeterName && instrument.Name == "mrq.queue.rate_limited")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var (key, tag) in tags)
            {
                if (key == MessagingTags.DestinationName && tag is string name)
                {
                    waiting[name] = value;
                }
            }
        });
        listener.Start();

        await using var harness = new WorkerHarness();
        harness.Client.EnqueueMany([.. Enumerable.Range(0, 4).Select(n => Mrq.Tests.Worker.Tasks.Record.Job(queue, n).OnQueue(queue))]);
        await using var services = new ServiceCollection().AddSingleton<IMeterFactory>(factory).BuildServiceProvider();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var settings = new Configuration.MrqSettings { Greenlets = 2, MaxLatency = 0.05 };
        settings.Extra["QUEUES_CONFIG"] = $$"""{ "{{queue}}": { "rate_limit": { "limit": 2, "per": 31536000 } } }""";
        var run = harness.RunAsync(settings, services, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, stop.Token, queue);

        await Eventually.TrueAsync(
            () =>
            {
                listener.RecordObservableInstruments();
                return Task.FromResult(waiting.GetValueOrDefault(queue) == 1);
            },
            s_wait,
            "the gauge did not show the queue waiting");
        await stop.CancelAsync();
        await run;

        Assert.Equal(2, (await harness.AllJobsAsync()).Count(j => j.Status == JobStatus.Success));
    }

    [Fact]
    public async Task A_worker_whose_jobs_are_in_MongoDB_without_redis_warns_that_its_broker_is_this_machine_s_file()
    {
        var provider = new ScopeCapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(provider));
        await using var harness = new WorkerHarness();
        await using var services = new ServiceCollection().BuildServiceProvider();
        var settings = WorkerHarness.Burst();

        await harness.RunAsync(settings, services, loggers.CreateLogger("mrq.worker"), CancellationToken.None, "default");
        Assert.DoesNotContain(provider.Lines, l => l.Message.Contains("redis is not set", StringComparison.Ordinal));
        settings.MongoDbJobs = "mongodb://127.0.0.1:1/mrq";
        await harness.RunAsync(settings, services, loggers.CreateLogger("mrq.worker"), CancellationToken.None, "default");

        var line = Assert.Single(provider.Lines, l => l.Message.Contains("redis is not set", StringComparison.Ordinal));
        Assert.Contains(Path.GetFullPath(settings.EmbeddedDb), line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_a_job_logs_carry_its_trace_span_id_path_and_queue_as_a_scope()
    {
        var queue = "logs_" + Guid.NewGuid().ToString("N")[..8];
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddMrqInstrumentation().AddInMemoryExporter(spans).Build();
        var provider = new ScopeCapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(provider));
        await using var harness = new WorkerHarness();
        Gates.For(queue).SetResult();
        var id = harness.Client.Enqueue(Tasks.Held.Job(gate: queue).OnQueue(queue));

        await using var services = new ServiceCollection().BuildServiceProvider();
        await harness.RunAsync(WorkerHarness.Burst(), services, loggers.CreateLogger("mrq.worker"), CancellationToken.None, queue);

        var line = Assert.Single(provider.Lines, l => l.Message.Contains($"held at {queue}", StringComparison.Ordinal));
        Assert.Equal(id.ToString(), line.Scope[JobLogScope.JobIdKey]);
        Assert.Equal("tests.telemetry.Held", line.Scope[JobLogScope.PathKey]);
        Assert.Equal(queue, line.Scope[JobLogScope.QueueKey]);

        tracing.ForceFlush();
        Activity process;
        lock (spans)
        {
            process = Assert.Single(spans, s => s.DisplayName == $"process {queue}");
        }

        Assert.Equal(process.TraceId.ToHexString(), line.Scope[JobLogScope.TraceIdKey]);
        Assert.Equal(process.SpanId.ToHexString(), line.Scope[JobLogScope.SpanIdKey]);
    }

    [Fact]
    public async Task A_job_started_by_the_job_that_ended_before_it_logs_in_its_own_scope_only()
    {
        var queue = "chatty_" + Guid.NewGuid().ToString("N")[..8];
        var provider = new ScopeCapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(provider));
        await using var harness = new WorkerHarness();
        var ids = harness.Client.EnqueueMany(Enumerable.Range(0, 400).Select(n => Tasks.Chatty.Job(n: n).OnQueue(queue)).ToArray());

        // Jobs of a millisecond on 2 greenlets: the worker claims ahead, and most jobs start on the thread of the job that
        // ended before them (GreenletPool), not from the loop.
        await using var services = new ServiceCollection().BuildServiceProvider();
        await harness.RunAsync(WorkerHarness.Burst(greenlets: 2), services, loggers.CreateLogger("mrq.worker"), CancellationToken.None, queue);

        // The worker's copy of a job's line reads "[job <id>] chatty <n>".
        var lines = provider.Lines.Where(l => l.Message.Contains("] chatty ", StringComparison.Ordinal)).ToList();
        Assert.Equal(400, lines.Count);
        Assert.All(lines, line =>
        {
            Assert.Equal(1, line.Depth);
            var n = int.Parse(line.Message[(line.Message.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            Assert.Equal(ids[n].ToString(), line.Scope[JobLogScope.JobIdKey]);
        });
    }
}
