using Mrq.Diagnostics;
using OpenTelemetry.Metrics;

namespace Mrq.OpenTelemetry;

/// <summary>Adds Mrq's metrics to an OpenTelemetry meter provider.</summary>
public static class MrqMeterProviderBuilderExtensions
{
    // The messaging conventions' advice for duration histograms: seconds, from 5 ms to 10 s.
    private static readonly double[] s_durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>
    /// Subscribes to Mrq's <c>Mrq</c> meter (jobs sent and processed, processing duration, queue wait, jobs in flight,
    /// busy greenlets, queue sizes; docs/observability.md), with second-scale buckets for its duration histograms.
    /// </summary>
    public static MeterProviderBuilder AddMrqInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddMeter(MrqDiagnostics.MeterName)
            .AddView("messaging.process.duration", new ExplicitBucketHistogramConfiguration { Boundaries = s_durationBuckets })
            .AddView("mrq.job.queue_wait", new ExplicitBucketHistogramConfiguration { Boundaries = s_durationBuckets });
    }
}
