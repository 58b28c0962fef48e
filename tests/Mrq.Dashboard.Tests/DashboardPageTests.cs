using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using Mrq.Configuration;
using Mrq.Dashboard.Tests.Support;
using Mrq.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Mrq.Dashboard.Tests;

/// <summary>The dashboard in headless chromium against a real Kestrel host and a real embedded store.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardPageTests : IAsyncLifetime
{
    private readonly BrowserFixture _browser;
    private readonly TempDirectory _directory = new();
    private readonly List<DashboardHost> _hosts = [];

    public DashboardPageTests(BrowserFixture browser)
    {
        _browser = browser;
        SetDefaultExpectTimeout(30_000);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task Every_page_shows_the_seeded_jobs()
    {
        var (host, jobs) = await StartSeededAsync();
        var page = await _browser.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });

        await page.GotoAsync(host.BaseUrl);
        await Expect(page.Locator("#status-cards")).ToContainTextAsync("failed");
        await Expect(page.Locator("main")).ToContainTextAsync("1 / 2"); // workers busy / total
        await ScreenshotAsync(page, "overview");

        await OpenAsync(page, host, "#/statuses", "retry");
        await Expect(page.Locator("main table")).ToContainTextAsync("queued");
        await ScreenshotAsync(page, "statuses");

        await ((StoreClient)host.Client).Broker.CountCallsAsync("queue:reports", 12, TimeSpan.FromMinutes(1), DateTime.UtcNow);
        await OpenAsync(page, host, "#/queues", "reports/daily");
        await Expect(page.Locator("main")).ToContainTextAsync("square_raw");
        await Expect(page.Locator("main tr", new() { HasText = "30 per 1 min" })).ToContainTextAsync("reports");
        await ScreenshotAsync(page, "queues");

        await page.ClickAsync("a:text-is('square_raw')");
        await Expect(page.Locator("main h1")).ToContainTextAsync("Raw queue square_raw");
        await Expect(page.Locator("main table")).ToContainTextAsync("12");

        await OpenAsync(page, host, "#/jobs", "tasks.Report");
        await Expect(page.Locator("main table tbody tr")).ToHaveCountAsync(6);
        await ScreenshotAsync(page, "jobs");

        await OpenAsync(page, host, "#/jobs?queue=reports%2F", "tasks.Report");
        await Expect(page.Locator("main table tbody tr")).ToHaveCountAsync(2);

        // Pages follow the store's cursor: one job per page, then the next one, then back to the first.
        await OpenAsync(page, host, "#/jobs?queue=reports%2F&limit=1", "1–1 of 2");
        var newest = await page.Locator("main table tbody tr .mono").First.TextContentAsync();
        await page.ClickAsync("main .pager a:text-is('next ›')");
        await Expect(page.Locator("main .pager")).ToContainTextAsync("2–2 of 2");
        await Expect(page.Locator("main table tbody tr .mono").First).Not.ToHaveTextAsync(newest!);
        await Expect(page.Locator("main .pager a:text-is('next ›')")).ToHaveCountAsync(0);
        await page.ClickAsync("main .pager a:text-is('« first')");
        await Expect(page.Locator("main .pager")).ToContainTextAsync("1–1 of 2");

        await OpenAsync(page, host, "#/jobs?status=failed-retry&path=tasks.Report", "retries: 2");
        await Expect(page.Locator("main table tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("main table tbody")).ToContainTextAsync("runs again in 10 min");

        await OpenAsync(page, host, "#/job/" + jobs.Failed, "Traceback history");
        await Expect(page.Locator("#job-traceback")).ToContainTextAsync("System.InvalidOperationException: boom");
        await Expect(page.Locator("#job-params")).ToContainTextAsync("\"n\": 4");
        await Expect(page.Locator("#job-logs")).ToContainTextAsync("[ERROR] <b>boom</b>");
        await ScreenshotAsync(page, "job");

        await OpenAsync(page, host, "#/job/" + jobs.Success, "Result");
        await Expect(page.Locator("#job-result")).ToHaveTextAsync("9");

        await OpenAsync(page, host, "#/workers", "host-1.1234");
        await Expect(page.Locator("main")).ToContainTextAsync("(stale)");
        await Expect(page.Locator("main")).ToContainTextAsync("1 / 4");
        await ScreenshotAsync(page, "workers");

        await OpenAsync(page, host, "#/paths", "tasks.Square");
        await OpenAsync(page, host, "#/exceptions", "InvalidOperationException");
        await page.ClickAsync("a:text-is('InvalidOperationException')");
        await Expect(page.Locator("main table tbody tr")).ToHaveCountAsync(1);
        await OpenAsync(page, host, "#/scheduled", "tasks.Report");
        await Expect(page.Locator("main")).ToContainTextAsync("cron */15 8-18 * * MON-FRI (UTC)");
        await Expect(page.Locator("main tr", new() { HasText = "tasks.Remind" })).ToContainTextAsync("cron CRON_TZ=Europe/Paris 0 9 * * *");
        await Expect(page.Locator("main tr", new() { HasText = "tasks.Remind" })).Not.ToContainTextAsync("(UTC)");
        await Expect(page.Locator("main tr", new() { HasText = "tasks.Report" })).ToContainTextAsync("(in 30 min)");
        await OpenAsync(page, host, "#/tasks", "Task catalog");
        foreach (var option in TaskOption.All)
        {
            await Expect(page.Locator("main table").First.Locator("thead")).ToContainTextAsync(option.AttributeName);
        }
    }

    [Fact]
    public async Task A_bulk_requeue_clicked_in_the_page_changes_the_counts()
    {
        var (host, _) = await StartSeededAsync();
        var page = await _browser.NewPageAsync();

        await OpenAsync(page, host, "#/jobs?status=failed", "All 2 matching jobs");
        await page.ClickAsync("#action-requeue");
        await Expect(page.Locator("#notice")).ToHaveTextAsync("requeue: 2 job(s)");

        await OpenAsync(page, host, "#/statuses", "queued");
        await Expect(page.Locator("main table")).Not.ToContainTextAsync("failed");
        await Expect(page.Locator("main table tr", new PageLocatorOptions { HasText = "queued" })).ToContainTextAsync("3");
    }

    [Fact]
    public async Task Pause_and_resume_from_the_queues_page()
    {
        var (host, _) = await StartSeededAsync();
        var page = await _browser.NewPageAsync();

        await OpenAsync(page, host, "#/queues", "square");
        await page.ClickAsync("button[data-queue='square']:text-is('Pause')");
        await Expect(page.Locator("button[data-queue='square']")).ToHaveTextAsync("Resume");
        Assert.Contains("square", await host.Client.GetPausedQueuesAsync());

        await page.ClickAsync("button[data-queue='square']");
        await Expect(page.Locator("button[data-queue='square']")).ToHaveTextAsync("Pause");
        Assert.DoesNotContain("square", await host.Client.GetPausedQueuesAsync());
    }

    [Fact]
    public async Task Job_params_results_and_tracebacks_are_shown_as_text_never_as_html()
    {
        var (host, jobs) = await StartSeededAsync();
        var page = await _browser.NewPageAsync();

        await OpenAsync(page, host, "#/job/" + jobs.Xss, "Traceback");
        await Expect(page.Locator("#job-params")).ToContainTextAsync("<script>window.__mrqXss = 1</script>");
        await Expect(page.Locator("#job-traceback")).ToContainTextAsync("<img src=x onerror=");
        await Expect(page.Locator("main")).ToContainTextAsync("<b>Bold</b>Exception");

        await OpenAsync(page, host, "#/jobs?status=failed", "<b>Bold</b>Exception");
        await Expect(page.Locator("main code.params").First).ToContainTextAsync("<script>");
        await OpenAsync(page, host, "#/exceptions", "<b>Bold</b>Exception");

        Assert.Equal(0, await page.Locator("main script, main img, main b").CountAsync());
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__mrqXss"));
    }

    [Fact]
    public async Task Run_now_on_a_scheduled_entry_enqueues_its_job_on_its_queue_and_opens_the_job()
    {
        var (host, _) = await StartSeededAsync();
        var page = await _browser.NewPageAsync();
        var before = await CountAsync(host, JobStatus.Queued);

        await OpenAsync(page, host, "#/scheduled", "tasks.Report");
        await page.Locator("main tr", new() { HasText = "tasks.Report" }).Locator("button:text-is('Run now')").ClickAsync();

        await Expect(page.Locator("main")).ToHaveAttributeAsync("data-page", new System.Text.RegularExpressions.Regex("^/job/"));
        await Expect(page.Locator("main")).ToContainTextAsync("reports/daily");
        await Expect(page.Locator("main")).ToContainTextAsync("queued");
        Assert.Equal(before + 1, await CountAsync(host, JobStatus.Queued));

        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, host.BaseUrl + "api/scheduled/run") { Content = new StringContent("""{"hash":"nope"}""", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Mrq-Dashboard", "1");
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Read_only_mode_hides_the_actions_and_refuses_them()
    {
        var (host, _) = await StartSeededAsync(options => options.ReadOnly = true);
        var page = await _browser.NewPageAsync();

        await OpenAsync(page, host, "#/jobs?status=failed", "tasks.Report");
        await Expect(page.Locator("#mode")).ToHaveTextAsync("read-only");
        Assert.Equal(0, await page.Locator("#action-requeue").CountAsync());
        await OpenAsync(page, host, "#/queues", "square");
        Assert.Equal(0, await page.Locator("main button").CountAsync());
        await OpenAsync(page, host, "#/scheduled", "tasks.Report");
        Assert.Equal(0, await page.Locator("main button").CountAsync());

        using var http = new HttpClient();
        var response = await PostActionAsync(http, host, """{"action":"requeue","status":"failed"}""");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(2, await CountAsync(host, JobStatus.Failed));
    }

    [Fact]
    public async Task Basic_auth_answers_401_without_credentials_and_serves_the_page_with_them()
    {
        var (host, _) = await StartSeededAsync(options => options.BasicAuth = "admin:s3cret");
        using var http = new HttpClient();
        foreach (var path in new[] { "", "app.js", "api/overview", "api/jobs", "api/nothing" })
        {
            var response = await http.GetAsync(host.BaseUrl + path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(host.BaseUrl + "api/overview")).StatusCode);

        var page = await _browser.NewPageAsync(new BrowserNewContextOptions { HttpCredentials = new HttpCredentials { Username = "admin", Password = "s3cret" } });
        await page.GotoAsync(host.BaseUrl);
        await Expect(page.Locator("#status-cards")).ToContainTextAsync("failed");
    }

    [Fact]
    public async Task Actions_from_another_site_are_refused()
    {
        var (host, _) = await StartSeededAsync();
        using var http = new HttpClient();

        var noHeader = await http.PostAsync(host.BaseUrl + "api/jobs/action", new StringContent("""{"action":"cancel","status":"queued"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, noHeader.StatusCode);

        var form = await http.PostAsync(host.BaseUrl + "api/jobs/action", new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "cancel", ["status"] = "queued" }));
        Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);

        var otherOrigin = await PostActionAsync(http, host, """{"action":"cancel","status":"queued"}""", origin: "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, otherOrigin.StatusCode);

        var get = await http.GetAsync(host.BaseUrl + "api/jobs/action?action=cancel&status=queued");
        Assert.NotEqual(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(1, await CountAsync(host, JobStatus.Queued));

        var sameSite = await PostActionAsync(http, host, """{"action":"cancel","status":"queued"}""");
        Assert.Equal(HttpStatusCode.OK, sameSite.StatusCode);
        Assert.Equal(0, await CountAsync(host, JobStatus.Queued));

        var everything = await PostActionAsync(http, host, """{"action":"cancel"}""");
        Assert.Equal(HttpStatusCode.BadRequest, everything.StatusCode);
    }

    [Fact]
    public async Task Responses_carry_security_headers()
    {
        var (host, _) = await StartSeededAsync();
        using var http = new HttpClient();
        foreach (var path in new[] { "", "app.js", "api/overview" })
        {
            var response = await http.GetAsync(host.BaseUrl + path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Equal("DENY", string.Join("", response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("nosniff", string.Join("", response.Headers.GetValues("X-Content-Type-Options")));
        }
    }

    [Fact]
    public async Task Works_under_a_path_base_with_relative_links()
    {
        var (host, _) = await StartSeededAsync(pathBase: "/proxy/ops");
        Assert.EndsWith("/proxy/ops/mrq/", host.BaseUrl, StringComparison.Ordinal);
        var page = await _browser.NewPageAsync();

        // Without the trailing slash, the page redirects to it so that its relative links resolve under the mount.
        await page.GotoAsync(host.BaseUrl.TrimEnd('/'));
        await Expect(page.Locator("#status-cards")).ToContainTextAsync("failed");
        Assert.EndsWith("/proxy/ops/mrq/", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await OpenAsync(page, host, "#/jobs?status=failed", "All 2 matching jobs");
        await page.ClickAsync("#action-cancel");
        await Expect(page.Locator("#notice")).ToHaveTextAsync("cancel: 0 job(s)"); // failed jobs are not cancellable, as in MRQ
    }

    private async Task<(DashboardHost Host, Seed.Jobs Jobs)> StartSeededAsync(Action<MrqDashboardOptions>? configure = null, string? pathBase = null)
    {
        var settings = new MrqSettings { EmbeddedDb = _directory.File($"mrq-{_hosts.Count}.db") };
        settings.Extra["QUEUES_CONFIG"] = """{ "reports": { "rate_limit": { "limit": 30, "per": 60 } } }""";
        var host = await DashboardHost.StartAsync(settings, options =>
        {
            options.AggregateCacheDuration = TimeSpan.Zero;
            configure?.Invoke(options);
        }, pathBase);
        _hosts.Add(host);
        var jobs = await Seed.RegularJobsAsync(host.Client);
        return (host, jobs);
    }

    private static async Task OpenAsync(IPage page, DashboardHost host, string hash, string expectedText)
    {
        await page.GotoAsync(host.BaseUrl + hash);
        var path = hash.TrimStart('#').Split('?')[0];
        await Expect(page.Locator("main")).ToHaveAttributeAsync("data-page", path);
        await Expect(page.Locator("main")).ToContainTextAsync(expectedText);
    }

    private static Task<HttpResponseMessage> PostActionAsync(HttpClient http, DashboardHost host, string json, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, host.BaseUrl + "api/jobs/action") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Mrq-Dashboard", "1");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return http.SendAsync(request);
    }

    private static async Task<long> CountAsync(DashboardHost host, JobStatus status)
    {
        var store = (Storage.Queries.IJobQueries)((StoreClient)host.Client).Store;
        return (await store.CountJobsAsync(new JobFilter { Statuses = [status] }, 1000)).Count;
    }

    /// <summary>Screenshots for docs/dashboard.md, written only when MRQ_DASHBOARD_SCREENSHOTS names a folder.</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("MRQ_DASHBOARD_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"dashboard-{name}.png"), FullPage = false });
        }
    }
}
