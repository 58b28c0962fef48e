using System.Reflection;
using System.Runtime.CompilerServices;
using Mrq.Configuration;
using Mrq.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mrq.Worker.Telemetry;

/// <summary>
/// Every command's OTLP export of Mrq's traces and metrics, switched on by the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> / <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> variables (and the other
/// <c>OTEL_*</c> variables the OpenTelemetry SDK reads) or by <c>--otlp URL</c>. Disposing flushes what is pending,
/// so a command's last spans and metrics are sent before the process exits.
/// </summary>
internal sealed class OtlpExport : IDisposable
{
    private const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    private readonly TracerProvider _tracers;
    private readonly MeterProvider _meters;

    private OtlpExport(TracerProvider tracers, MeterProvider meters)
    {
        _tracers = tracers;
        _meters = meters;
    }

    /// <summary>Starts exporting when the settings or the environment ask for it; null otherwise.</summary>
    public static IDisposable? StartIfConfigured(MrqSettings settings) =>
        settings.Otlp is not null
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EndpointVariable))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ProtocolVariable))
            ? Start(settings.Otlp)
            : null;

    // Not inlined: a command that exports nothing never loads the OpenTelemetry SDK's assemblies.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static OtlpExport Start(string? endpoint)
    {
        var resource = ResourceBuilder.CreateDefault();
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")))
        {
            resource.AddService(Assembly.GetEntryAssembly()?.GetName().Name ?? "mrq");
        }

        var tracers = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMrqInstrumentation()
            .AddOtlpExporter(o => Configure(o, endpoint, "v1/traces"))
            .Build();
        var meters = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMrqInstrumentation()
            .AddOtlpExporter(o => Configure(o, endpoint, "v1/metrics"))
            .Build();
        return new OtlpExport(tracers, meters);
    }

    /// <summary>
    /// <c>--otlp URL</c> is a base endpoint like <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: OTLP/HTTP (the default unless the
    /// protocol variable says <c>grpc</c>) posts each signal to its own path under it.
    /// </summary>
    private static void Configure(OtlpExporterOptions options, string? endpoint, string signalPath)
    {
        if (endpoint is null)
        {
            return;
        }

        var grpc = string.Equals(Environment.GetEnvironmentVariable(ProtocolVariable), "grpc", StringComparison.OrdinalIgnoreCase);
        options.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        options.Endpoint = grpc ? new Uri(endpoint) : new Uri(endpoint.TrimEnd('/') + "/" + signalPath);
    }

    public void Dispose()
    {
        // Disposing shuts each provider down, which exports what is still batched.
        _tracers.Dispose();
        _meters.Dispose();
    }
}
