using Microsoft.Playwright;
using Mrq.Configuration;
using Mrq.Dashboard.Tests.Support;
using Mrq.Tests.Broker;
using Mrq.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Mrq.Dashboard.Tests;

/// <summary>
/// The tutorial's closing table, "visibility in the dashboard", with the tutorial's own enqueue and worker commands
/// (the sample, run as child processes) and the dashboard in chromium: regular queues show every job; raw queues show
/// their jobs from the moment a worker starts them; <c>statuses_no_storage</c> queues show counts and failed jobs.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class VisibilityTableTests
{
    private static readonly TimeSpan s_processTimeout = TimeSpan.FromMinutes(3);
    private readonly BrowserFixture _browser;

    public VisibilityTableTests(BrowserFixture browser)
    {
        _browser = browser;
        SetDefaultExpectTimeout(30_000);
    }

    [Fact]
    public Task Embedded_store_and_broker() => CheckTableAsync(redis: null);

    [Fact]
    public async Task Redis_broker_and_embedded_store()
    {
        var server = new RedisServerFixture();
        await server.InitializeAsync();
        try
        {
            await CheckTableAsync($"redis://127.0.0.1:{server.Port}");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private async Task CheckTableAsync(string? redis)
    {
        using var directory = new TempDirectory();
        File.Copy(Path.Combine(SamplePaths.QueuePerformanceDirectory, "mrq-config.json"), directory.File("mrq-config.json"));
        string[] brokerFlags = redis is null ? [] : ["--redis", redis, "--redis_prefix", "vis"];
        var settings = new MrqSettings { EmbeddedDb = directory.File("mrq.db"), Redis = redis, RedisPrefix = "vis" };
        await using var host = await DashboardHost.StartAsync(settings, o => o.AggregateCacheDuration = TimeSpan.Zero);
        var page = await _browser.NewPageAsync();

        // Regular queue: every job, from the moment it is queued.
        await RunSampleAsync(directory, ["enqueue", "square", "3", .. brokerFlags]);
        await OpenJobsAsync(page, host, "square", rows: 3);
        await Expect(page.Locator("main table tbody")).ToContainTextAsync("queued");

        // Raw queue: a count while waiting, the jobs once a worker has started them.
        await RunSampleAsync(directory, ["enqueue", "square_raw", "4", .. brokerFlags]);
        await ExpectWaitingAsync(page, host, "square_raw", 4);
        await OpenJobsAsync(page, host, "square_raw", rows: 0);
        await RunSampleAsync(directory, ["worker", "square_raw", "--greenlets", "2", .. brokerFlags]);
        await ExpectWaitingAsync(page, host, "square_raw", 0);
        await OpenJobsAsync(page, host, "square_raw", rows: 4);
        await Expect(page.Locator("main table tbody")).ToContainTextAsync("success");

        // statuses_no_storage (started, success): counts, and the failed jobs only.
        await RunSampleAsync(directory, ["enqueue", "square_nostorage_raw", "5", .. brokerFlags]);
        await host.Client.EnqueueRawAsync("square_nostorage_raw", [new RawParam("not-a-number")]);
        await ExpectWaitingAsync(page, host, "square_nostorage_raw", 6);
        await RunSampleAsync(directory, ["worker", "square_nostorage_raw", "--greenlets", "2", .. brokerFlags]);
        await ExpectWaitingAsync(page, host, "square_nostorage_raw", 0);
        await OpenJobsAsync(page, host, "square_nostorage_raw", rows: 1);
        await Expect(page.Locator("main table tbody")).ToContainTextAsync("failed");
        await Expect(page.Locator("main table tbody")).ToContainTextAsync("not-a-number");
    }

    private static async Task RunSampleAsync(TempDirectory directory, string[] arguments)
    {
        using var process = ChildProcess.StartSample(directory.Path, arguments);
        var exit = await process.WaitForExitAsync(s_processTimeout);
        Assert.True(exit == 0, $"{string.Join(' ', arguments)} exited with {exit}:\n{process.StandardError}");
    }

    private static async Task OpenJobsAsync(IPage page, DashboardHost host, string queue, int rows)
    {
        await page.GotoAsync($"{host.BaseUrl}#/jobs?queue={Uri.EscapeDataString(queue)}&r={Guid.NewGuid():N}");
        await Expect(page.Locator("main .pager")).ToContainTextAsync($"of {rows}");
        await Expect(page.Locator("main table tbody tr")).ToHaveCountAsync(Math.Max(rows, 1));
    }

    private static async Task ExpectWaitingAsync(IPage page, DashboardHost host, string rawQueue, int waiting)
    {
        await page.GotoAsync($"{host.BaseUrl}#/queues?r={Guid.NewGuid():N}");
        var row = page.Locator("main table tbody tr", new PageLocatorOptions { Has = page.Locator($"td:first-child a:text-is('{rawQueue}')") });
        await Expect(row.Locator("td:nth-child(3)")).ToHaveTextAsync(waiting.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
