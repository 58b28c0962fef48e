namespace Mrq.Diagnostics;

/// <summary>
/// The names under which Mrq publishes its telemetry through <c>System.Diagnostics</c>: traces from an
/// <see cref="System.Diagnostics.ActivitySource"/> and metrics from a <see cref="System.Diagnostics.Metrics.Meter"/>,
/// both named <see cref="ActivitySourceName"/>. Nothing is recorded unless a listener (an OpenTelemetry SDK, a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>) subscribes to them; docs/observability.md lists what they emit.
/// </summary>
public static class MrqDiagnostics
{
    /// <summary>The name of Mrq's <see cref="System.Diagnostics.ActivitySource"/>: <c>Mrq</c>.</summary>
    public const string ActivitySourceName = "Mrq";

    /// <summary>The name of Mrq's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>Mrq</c>.</summary>
    public const string MeterName = "Mrq";

    /// <summary>The value of <c>messaging.system</c> on Mrq's spans and metrics.</summary>
    public const string MessagingSystem = "mrq";
}
