using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mrq.Tests.Support;

namespace Mrq.Tests.Hosting;

/// <summary>
/// An ASP.NET Core app on Kestrel (a loopback port) that enqueues jobs over HTTP and runs them with a hosted worker in
/// the same process, as samples/WebApp does; stopping it with a job in flight lets that job finish.
/// </summary>
[Collection(DefaultClientCollection.Name)]
public sealed class AspNetCoreHostTests
{
    [Fact]
    public async Task A_web_app_enqueues_over_http_runs_jobs_in_process_reports_health_and_stops_with_a_job_in_flight()
    {
        using var directory = new TempDirectory();
        var gateName = Guid.NewGuid().ToString("N");
        var gate = HostingGates.For(gateName);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = directory.Path });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        builder.Services.AddMrq().UseSqlite(directory.File("jobs.db"));
        builder.Services.AddMrqWorker(w => w.Queues = ["hosting"]);
        builder.Services.AddHealthChecks().AddMrqHealthChecks();
        await using var app = builder.Build();
        app.MapPost("/squares/{n:int}", async (int n, IMrqClient client) => Results.Text((await Tasks.HostingSquare.EnqueueAsync(client, n)).ToString()));
        app.MapPost("/holds/{n:int}", (int n, IMrqClient client) => Results.Text(Tasks.HostingHold.Enqueue(client, gateName, n).ToString()));
        app.MapGet("/jobs/{id}", async (string id, IMrqClient client) =>
            await client.GetJobAsync(JobId.Parse(id)) is { } job
                ? Results.Text($"{job.Status.ToName()} {(job.Status == JobStatus.Success ? job.Path == Tasks.HostingSquare.Path ? Tasks.HostingSquare.GetResult(job) : Tasks.HostingHold.GetResult(job) : 0)}")
                : Results.NotFound());
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TestHosts.Wait };

        var squareId = await (await http.PostAsync(new Uri("/squares/12", UriKind.Relative), null)).Content.ReadAsStringAsync();
        var state = "";
        await Eventually.TrueAsync(async () => (state = await http.GetStringAsync(new Uri($"/jobs/{squareId}", UriKind.Relative))) == "success 144", TestHosts.Wait, () => $"job {squareId} is '{state}'");
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/health/ready", UriKind.Relative)));
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/health/live", UriKind.Relative)));

        var holdId = await (await http.PostAsync(new Uri("/holds/5", UriKind.Relative), null)).Content.ReadAsStringAsync();
        await Eventually.TrueAsync(() => Task.FromResult(gate.Started == 1), TestHosts.Wait, "the held job started");
        var stopping = app.StopAsync();
        await Eventually.TrueAsync(
            () => Task.FromResult(app.Lifetime.ApplicationStopping.IsCancellationRequested),
            TestHosts.Wait,
            "the app is stopping");
        Assert.False(stopping.IsCompleted);
        gate.Release();
        await stopping;

        var held = await TestHosts.GetAsync(directory.File("jobs.db"), JobId.Parse(holdId));
        Assert.Equal(JobStatus.Success, held?.Status);
    }
}
