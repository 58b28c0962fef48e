using System.Diagnostics;
using Mrq.Diagnostics;
using Mrq.OpenTelemetry;
using Mrq.Serialization;
using Mrq.Tests.Operations;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Mrq.Tests.Telemetry;

/// <summary>
/// Traces across real processes: the test enqueues inside its own span (spans kept by OpenTelemetry's in-memory
/// exporter), a worker of tests/Mrq.Tests.WorkerHost runs the jobs and exports its spans over OTLP/HTTP to a receiver
/// in the test (<see cref="OtlpReceiver"/>), flushing them before it exits.
/// </summary>
public sealed class TraceProcessTests
{
    private static readonly ActivitySource s_test = new("Mrq.Tests.Telemetry");

    private static JobRequest Job(string path, string json, string queue) => new(path, MessagePackJson.FromJson(json), queue);

    [Fact]
    public async Task Enqueue_job_nested_enqueue_and_nested_job_form_one_trace_across_worker_processes()
    {
        var queue = "trace_" + Guid.NewGuid().ToString("N")[..8];
        using var receiver = new OtlpReceiver();
        var local = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(s_test.Name).AddMrqInstrumentation().AddInMemoryExporter(local).Build();
        await using var host = new HostEnvironment();

        JobId nest, fail;
        string traceId, rootSpanId;
        using (var root = s_test.StartActivity("request")!)
        {
            nest = host.Client.Enqueue(Job("host.Nest", """{"depth": 1}""", queue));
            fail = host.Client.Enqueue(Job("host.Fail", """{"message": "boom"}""", queue));
            traceId = root.TraceId.ToHexString();
            rootSpanId = root.SpanId.ToHexString();
        }

        tracing.ForceFlush();
        List<Activity> sends;
        lock (local)
        {
            sends = local.Where(a => a.TraceId.ToHexString() == traceId && a.Kind == ActivityKind.Producer).ToList();
        }

        Assert.Equal(2, sends.Count);
        var sendNest = Assert.Single(sends, s => Equals(s.GetTagItem(MessagingTags.MessageId), nest.ToString()));
        var sendFail = Assert.Single(sends, s => Equals(s.GetTagItem(MessagingTags.MessageId), fail.ToString()));
        Assert.Equal($"send {queue}", sendNest.DisplayName);
        Assert.Equal(rootSpanId, sendNest.ParentSpanId.ToHexString());
        Assert.Equal("mrq", sendNest.GetTagItem(MessagingTags.System));
        Assert.Equal(queue, sendNest.GetTagItem(MessagingTags.DestinationName));
        Assert.Equal("send", sendNest.GetTagItem(MessagingTags.OperationType));
        Assert.Equal("host.Nest", sendNest.GetTagItem(MessagingTags.TaskPath));

        using var worker = host.StartHost(receiver.Environment, "worker", queue, "--dequeue_strategy", "burst", "--max_latency", "0.05");
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));

        // Exported and flushed before the worker exited.
        var spans = receiver.Spans.Where(s => s.TraceId == traceId).ToList();
        var processes = spans.Where(s => s.Kind == OtlpSpan.KindConsumer).ToList();
        Assert.True(processes.Count == 3, $"expected 3 process spans in the worker's trace:\n{OtlpSpan.Render(spans)}\nworker:\n{worker.StandardError}");
        if (Environment.GetEnvironmentVariable("MRQ_TEST_TRACE_DUMP") is { Length: > 0 } dump)
        {
            // How docs/observability.md's trace was rendered: the worker's spans under the test's own.
            var enqueued = sends.Select(s => new OtlpSpan(s.TraceId.ToHexString(), s.SpanId.ToHexString(), s.ParentSpanId.ToHexString(), s.DisplayName, OtlpSpan.KindProducer, "", s.TagObjects.ToDictionary(t => t.Key, t => t.Value ?? ""), [], [], 0, 0, (ulong)s.Duration.Ticks * 100));
            File.WriteAllText(dump, OtlpSpan.Render([.. enqueued, .. spans]));
        }

        Assert.All(processes, p => Assert.Equal(MrqDiagnostics.ActivitySourceName, p.Scope));
        Assert.True(receiver.MetricRequests > 0, "the worker exported no metrics");

        // enqueue → job: the job's span is the child of the send span and links to it.
        var runNest = Assert.Single(processes, p => Equals(p.Attributes[MessagingTags.MessageId], nest.ToString()));
        var sendNestId = sendNest.SpanId.ToHexString();
        Assert.Equal($"process {queue}", runNest.Name);
        Assert.Equal(sendNestId, runNest.ParentSpanId);
        Assert.Contains((traceId, sendNestId), runNest.Links);
        Assert.Equal("mrq", runNest.Attributes[MessagingTags.System]);
        Assert.Equal(queue, runNest.Attributes[MessagingTags.DestinationName]);
        Assert.Equal("process", runNest.Attributes[MessagingTags.OperationType]);
        Assert.Equal("host.Nest", runNest.Attributes[MessagingTags.TaskPath]);
        Assert.Equal(0L, runNest.Attributes[MessagingTags.RetryCount]);
        Assert.Equal("success", runNest.Attributes[MessagingTags.Status]);
        Assert.DoesNotContain(MessagingTags.ErrorType, runNest.Attributes.Keys);

        // job → nested enqueue → nested job, all in the same trace.
        var nestedSend = Assert.Single(spans, s => s.Kind == OtlpSpan.KindProducer);
        Assert.Equal(runNest.SpanId, nestedSend.ParentSpanId);
        Assert.Equal($"send {queue}", nestedSend.Name);
        var nestedId = (string)nestedSend.Attributes[MessagingTags.MessageId];
        var runNested = Assert.Single(processes, p => Equals(p.Attributes[MessagingTags.MessageId], nestedId));
        Assert.Equal(nestedSend.SpanId, runNested.ParentSpanId);
        Assert.Contains((traceId, nestedSend.SpanId), runNested.Links);
        Assert.Equal("success", runNested.Attributes[MessagingTags.Status]);

        // A failing job: error status, error.type and the exception recorded.
        var runFail = Assert.Single(processes, p => Equals(p.Attributes[MessagingTags.MessageId], fail.ToString()));
        Assert.Equal(sendFail.SpanId.ToHexString(), runFail.ParentSpanId);
        Assert.Equal(OtlpSpan.StatusError, runFail.StatusCode);
        Assert.Equal("failed", runFail.Attributes[MessagingTags.Status]);
        Assert.Equal(typeof(InvalidOperationException).FullName, runFail.Attributes[MessagingTags.ErrorType]);
        Assert.Contains("exception", runFail.Events);
    }

    [Fact]
    public async Task With_trace_links_only_a_job_starts_its_own_trace_linked_to_the_enqueue()
    {
        var queue = "links_" + Guid.NewGuid().ToString("N")[..8];
        using var receiver = new OtlpReceiver();
        var local = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddMrqInstrumentation().AddInMemoryExporter(local).Build();
        await using var host = new HostEnvironment();
        var id = host.Client.Enqueue(Job("host.Nest", """{"depth": 0}""", queue));
        tracing.ForceFlush();
        Activity send;
        lock (local)
        {
            send = Assert.Single(local, a => Equals(a.GetTagItem(MessagingTags.MessageId), id.ToString()));
        }

        using var worker = host.StartHost(receiver.Environment, "worker", queue, "--dequeue_strategy", "burst", "--max_latency", "0.05", "--trace_links_only");
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));

        var run = Assert.Single(receiver.Spans, s => s.Kind == OtlpSpan.KindConsumer && Equals(s.Attributes[MessagingTags.MessageId], id.ToString()));
        Assert.NotEqual(send.TraceId.ToHexString(), run.TraceId);
        Assert.Equal("", run.ParentSpanId);
        Assert.Equal([(send.TraceId.ToHexString(), send.SpanId.ToHexString())], run.Links);
    }

    [Fact]
    public async Task An_application_command_exports_its_send_span_with_the_otlp_flag_and_the_job_keeps_its_context()
    {
        var queue = "cli_" + Guid.NewGuid().ToString("N")[..8];
        using var receiver = new OtlpReceiver();
        await using var host = new HostEnvironment();

        using var run = host.StartHost(new Dictionary<string, string>(), "run", "host.Nest", """{"depth": 0}""", "--queue", queue, "--otlp", receiver.Endpoint);
        Assert.Equal(0, await run.WaitForExitAsync(HostEnvironment.Wait));

        var send = Assert.Single(receiver.Spans, s => s.Name == $"send {queue}");
        Assert.Equal(OtlpSpan.KindProducer, send.Kind);
        Assert.Equal("send", send.Attributes[MessagingTags.OperationType]);
        var id = JobId.Parse((string)send.Attributes[MessagingTags.MessageId]);
        Assert.Equal(JobStatus.Queued, (await host.GetAsync(id)).Status);
        Assert.True(receiver.MetricRequests > 0, "the command exported no metrics");

        using var worker = host.StartHost(receiver.Environment, "worker", queue, "--dequeue_strategy", "burst", "--max_latency", "0.05");
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));
        var job = Assert.Single(receiver.Spans, s => s.Kind == OtlpSpan.KindConsumer && Equals(s.Attributes[MessagingTags.MessageId], id.ToString()));
        Assert.Equal(send.TraceId, job.TraceId);
        Assert.Equal(send.SpanId, job.ParentSpanId);
    }
}
