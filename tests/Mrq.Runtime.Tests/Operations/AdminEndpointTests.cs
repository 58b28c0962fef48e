using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Mrq.Tests.Operations;

/// <summary>MRQ's admin endpoint on a real worker process: <c>/report</c>, <c>/wait_for_idle</c> (MRQ's test harness) and 404s.</summary>
public sealed class AdminEndpointTests
{
    [Fact]
    public async Task Report_shows_the_running_job_and_wait_for_idle_returns_once_every_job_is_done()
    {
        await using var env = new HostEnvironment();
        var port = FreePort();
        using var worker = env.StartWorker("default", "--greenlets", "2", "--admin_port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = HostEnvironment.Wait };
        await worker.WaitForErrorAsync(e => e.Contains("Admin endpoint listening", StringComparison.Ordinal), HostEnvironment.Wait, "no admin endpoint");

        var running = env.Client.Enqueue(HostJobs.Sleep(600_000));
        await env.WaitForStatusAsync([running], JobStatus.Started);
        using (var report = JsonDocument.Parse(await http.GetStringAsync("report")))
        {
            var root = report.RootElement;
            Assert.Equal((await env.GetAsync(running)).Worker, root.GetProperty("_id").GetString());
            Assert.Equal("default", root.GetProperty("config").GetProperty("queues")[0].GetString());
            Assert.Equal(2, root.GetProperty("config").GetProperty("greenlets").GetInt32());
            var job = Assert.Single(root.GetProperty("jobs").EnumerateArray());
            Assert.Equal(running.ToString(), job.GetProperty("id").GetString());
            Assert.Equal("host.Sleep", job.GetProperty("path").GetString());
            Assert.Equal(worker.Id, root.GetProperty("process").GetProperty("pid").GetInt32());
        }

        await env.Client.CancelAsync(JobFilter.ById(running));
        var ids = env.Client.EnqueueMany([HostJobs.Sleep(300), HostJobs.Sleep(300), HostJobs.Sleep(300)]);
        Assert.Equal("idle", await http.GetStringAsync("wait_for_idle"));

        // Idle means done and written: no polling needed.
        foreach (var id in ids)
        {
            Assert.Equal(JobStatus.Success, (await env.GetAsync(id)).Status);
        }

        using (var report = JsonDocument.Parse(await http.GetStringAsync("")))
        {
            Assert.Empty(report.RootElement.GetProperty("jobs").EnumerateArray());
            Assert.Equal(4, report.RootElement.GetProperty("done_jobs").GetInt32());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("nothing_here")).StatusCode);
        worker.Signal("INT");
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
