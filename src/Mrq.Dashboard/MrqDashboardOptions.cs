namespace Mrq.Dashboard;

/// <summary>Options of <see cref="MrqDashboardEndpoints.MapMrqDashboard"/>.</summary>
public sealed class MrqDashboardOptions
{
    /// <summary>
    /// The client whose stores the dashboard shows (one created by <see cref="MrqClient.Create"/> or
    /// <see cref="MrqClient.Default"/>, which is used when this is null).
    /// </summary>
    public IMrqClient? Client { get; set; }

    /// <summary>Hides the actions (cancel, requeue, pause, resume) and refuses them with 403.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>
    /// HTTP Basic credentials as <c>user:password</c>: when set, every page and API call without them gets 401 (MRQ's
    /// <c>--dashboard_httpauth</c>). Use <c>.RequireAuthorization(...)</c> on the returned group for anything richer.
    /// </summary>
    public string? BasicAuth { get; set; }

    /// <summary>A worker whose last report is older than this is flagged as stale (default: 30 s).</summary>
    public TimeSpan StaleWorkerAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the aggregates (counts per status, queue, path, exception) are reused between requests (default: 2 s).</summary>
    public TimeSpan AggregateCacheDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Counts of filtered jobs stop at this number, so a count stays a bounded read (default: 10,000).</summary>
    public long CountCap { get; set; } = 10_000;
}
