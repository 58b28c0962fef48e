using Mrq.Diagnostics;
using OpenTelemetry.Trace;

namespace Mrq.OpenTelemetry;

/// <summary>Adds Mrq's spans to an OpenTelemetry tracer provider.</summary>
public static class MrqTracerProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes to Mrq's <c>Mrq</c> activity source: a <c>send &lt;queue&gt;</c> producer span per enqueue and a
    /// <c>process &lt;queue&gt;</c> consumer span per job run (docs/observability.md).
    /// </summary>
    public static TracerProviderBuilder AddMrqInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(MrqDiagnostics.ActivitySourceName);
    }
}
