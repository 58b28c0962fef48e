using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mrq.Configuration;

namespace Mrq.Dashboard.Tests.Support;

/// <summary>A real Kestrel host on a free loopback port serving the dashboard at <see cref="Prefix"/> over the given stores.</summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, IMrqClient client, string baseUrl)
    {
        _app = app;
        Client = client;
        BaseUrl = baseUrl;
    }

    public const string Prefix = "/mrq";

    /// <summary>The client (and stores) the dashboard shows; the tests seed through it too.</summary>
    public IMrqClient Client { get; }

    /// <summary>The dashboard's page, with its trailing slash (e.g. <c>http://127.0.0.1:1234/mrq/</c>).</summary>
    public string BaseUrl { get; }

    public static async Task<DashboardHost> StartAsync(MrqSettings settings, Action<MrqDashboardOptions>? configure = null, string? pathBase = null)
    {
        // The tests do not run Mrq's generator, which would register the referenced adapters.
        Redis.RedisAdapter.Register();
        var client = MrqClient.Create(settings);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        if (pathBase is not null)
        {
            app.UsePathBase(pathBase);
        }

        app.UseRouting();
        app.MapMrqDashboard(Prefix, options =>
        {
            options.Client = client;
            configure?.Invoke(options);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardHost(app, client, $"{address}{pathBase}{Prefix}/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Client is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
