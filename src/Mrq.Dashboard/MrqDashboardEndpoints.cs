using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Mrq.Dashboard.Api;
using Mrq.Dashboard.Assets;
using Mrq.Dashboard.Security;

namespace Mrq.Dashboard;

/// <summary>Mounts the dashboard in an ASP.NET Core application.</summary>
public static class MrqDashboardEndpoints
{
    /// <summary>
    /// Maps the dashboard's page and JSON API under <paramref name="prefix"/> (for example <c>"/mrq"</c>) and returns the
    /// route group, so that <c>.RequireAuthorization(...)</c> and other conventions apply to all of it. Every link the
    /// page makes is relative, so it also works under a path base or behind a proxy.
    /// </summary>
    public static RouteGroupBuilder MapMrqDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/mrq", Action<MrqDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var options = new MrqDashboardOptions();
        configure?.Invoke(options);
        var state = new DashboardState(options);
        var assets = new EmbeddedAssets();

        var group = endpoints.MapGroup(prefix.TrimEnd('/'));
        group.MapGet("/", DashboardGuard.Read(state, assets.PageAsync));
        group.MapGet("/app.js", DashboardGuard.Read(state, assets.Handler("app.js")));
        group.MapGet("/app.css", DashboardGuard.Read(state, assets.Handler("app.css")));

        var api = group.MapGroup("/api");
        api.MapGet("/config", DashboardGuard.Read(state, DashboardApi.ConfigAsync));
        api.MapGet("/overview", DashboardGuard.Read(state, DashboardApi.OverviewAsync));
        api.MapGet("/statuses", DashboardGuard.Read(state, DashboardApi.StatusesAsync));
        api.MapGet("/paths", DashboardGuard.Read(state, DashboardApi.PathsAsync));
        api.MapGet("/exceptions", DashboardGuard.Read(state, DashboardApi.ExceptionsAsync));
        api.MapGet("/queues", DashboardGuard.Read(state, DashboardApi.QueuesAsync));
        api.MapGet("/queues/raw", DashboardGuard.Read(state, DashboardApi.RawItemsAsync));
        api.MapGet("/jobs", DashboardGuard.Read(state, DashboardApi.JobsAsync));
        api.MapGet("/jobs/{id}", DashboardGuard.Read(state, DashboardApi.JobAsync));
        api.MapGet("/jobs/{id}/logs", DashboardGuard.Read(state, DashboardApi.LogsAsync));
        api.MapGet("/workers", DashboardGuard.Read(state, DashboardApi.WorkersAsync));
        api.MapGet("/scheduled", DashboardGuard.Read(state, DashboardApi.ScheduledAsync));
        api.MapGet("/catalog", DashboardGuard.Read(state, DashboardApi.CatalogAsync));
        api.MapPost("/jobs/action", DashboardGuard.Action(state, DashboardApi.JobActionAsync));
        api.MapPost("/queues/pause", DashboardGuard.Action(state, (http, s) => DashboardApi.PauseAsync(http, s, pause: true)));
        api.MapPost("/queues/resume", DashboardGuard.Action(state, (http, s) => DashboardApi.PauseAsync(http, s, pause: false)));
        api.MapPost("/scheduled/run", DashboardGuard.Action(state, DashboardApi.RunScheduledAsync));

        // Anything else under the API is a 404 with the same headers (and the same 401 when credentials are missing).
        api.Map("/{**rest}", DashboardGuard.Read(state, (http, _) => DashboardApi.ErrorAsync(http, StatusCodes.Status404NotFound, "No such API route.")));
        return group;
    }
}
