using System.Globalization;
using System.Text.RegularExpressions;
using Mrq.Tests.Support;

namespace Mrq.Tests.Operations;

/// <summary><c>--processes N</c>: a supervisor of N worker processes (MRQ's supervisor and process pool).</summary>
public sealed partial class SupervisorTests
{
    [Fact]
    public async Task Burst_children_each_print_their_line_and_the_supervisor_prints_the_total()
    {
        await using var env = new HostEnvironment();
        await env.WriteConfigAsync("""{ "DEQUEUE_STRATEGY": "burst" }""");
        var ids = env.Client.EnqueueMany(Enumerable.Range(0, 300).Select(_ => HostJobs.Sleep(1)).ToArray());

        using var supervisor = env.StartWorker("default", "--greenlets", "5", "--processes", "2");
        Assert.Equal(0, await supervisor.WaitForExitAsync(HostEnvironment.Wait));

        var lines = WorkerSpentLine().Matches(supervisor.StandardError);
        var children = lines.Where(l => !l.Groups["total"].Success).ToArray();
        var total = Assert.Single(lines, l => l.Groups["total"].Success);
        Assert.Equal(2, children.Length);
        Assert.Equal(300, children.Sum(l => Jobs(l)));
        Assert.Equal(300, Jobs(total));
        Assert.Equal(2, int.Parse(total.Groups["processes"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(300, await env.Store.CountAsync("default", JobStatus.Success));
    }

    [Fact]
    public async Task A_child_killed_with_SIGKILL_is_replaced_and_SIGINT_stops_them_all()
    {
        await using var env = new HostEnvironment();
        using var supervisor = env.StartWorker("default", "--processes", "2");
        await supervisor.WaitForErrorAsync(e => StartedChildren(e).Count == 2, HostEnvironment.Wait, "two children did not start");
        var killed = StartedChildren(supervisor.StandardError)[0];

        ChildProcess.Send("KILL", killed);
        await supervisor.WaitForErrorAsync(e => StartedChildren(e).Count == 3, HostEnvironment.Wait, "the killed child was not replaced");
        Assert.Contains($"Worker process {killed} died", supervisor.StandardError, StringComparison.Ordinal);

        // The replacement works: a job sent now runs.
        var id = env.Client.Enqueue(HostJobs.Sleep(1));
        await env.WaitForStatusAsync([id], JobStatus.Success);

        supervisor.Signal("INT");
        Assert.Equal(0, await supervisor.WaitForExitAsync(HostEnvironment.Wait));
        Assert.Single(WorkerSpentLine().Matches(supervisor.StandardError), l => l.Groups["total"].Success);
    }

    [Fact]
    public async Task Children_stopped_by_max_jobs_are_replaced_until_the_work_is_done()
    {
        await using var env = new HostEnvironment();
        var ids = env.Client.EnqueueMany(Enumerable.Range(0, 6).Select(_ => HostJobs.Sleep(1)).ToArray());
        using var supervisor = env.StartWorker("default", "--processes", "1", "--max_jobs", "2");

        await env.WaitForStatusAsync(ids, JobStatus.Success);
        await supervisor.WaitForErrorAsync(e => Regex.Count(e, "stopped to be recycled") >= 3, HostEnvironment.Wait, "children were not recycled after max_jobs");

        supervisor.Signal("INT");
        Assert.Equal(0, await supervisor.WaitForExitAsync(HostEnvironment.Wait));
        var total = Assert.Single(WorkerSpentLine().Matches(supervisor.StandardError), l => l.Groups["total"].Success);
        Assert.Equal(6, Jobs(total));
    }

    [Fact]
    public async Task A_child_over_max_memory_stops_gracefully_and_is_replaced()
    {
        await using var env = new HostEnvironment();

        // A fresh worker's own size, from its report, so that each child starts under the limit and crosses it only by
        // leaking: every child makes progress however slow the machine is.
        using (var probe = env.StartWorker("nothing", "--report_interval", "0.5"))
        {
            await Eventually.TrueAsync(async () => (await env.Store.GetWorkersAsync()).Count > 0, HostEnvironment.Wait, "the probe worker did not report");
            probe.Signal("INT");
            Assert.Equal(0, await probe.WaitForExitAsync(HostEnvironment.Wait));
        }

        var baseline = (await env.Store.GetWorkersAsync()).Single().Process.MemoryTotal / (1024 * 1024);
        var limit = (baseline + 40).ToString(CultureInfo.InvariantCulture);
        var ids = env.Client.EnqueueMany(Enumerable.Range(0, 10).Select(_ => HostJobs.Leak(mb: 15, ms: 200)).ToArray());

        using var supervisor = env.StartWorker("default", "--processes", "1", "--max_memory", limit, "--report_interval", "0.5");
        await env.WaitForStatusAsync(ids, JobStatus.Success);
        supervisor.Signal("INT");
        Assert.Equal(0, await supervisor.WaitForExitAsync(HostEnvironment.Wait));

        Assert.Contains($"Reached max_memory={limit}MB", supervisor.StandardError, StringComparison.Ordinal);
        Assert.Contains("stopped to be recycled", supervisor.StandardError, StringComparison.Ordinal);
        Assert.True((await env.Store.GetWorkersAsync()).Count >= 3, "max_memory did not replace the worker process");
    }

    [Fact]
    public async Task Children_of_a_supervisor_killed_with_SIGKILL_stop_by_themselves()
    {
        await using var env = new HostEnvironment();
        using var supervisor = env.StartWorker("default", "--processes", "2");
        await supervisor.WaitForErrorAsync(e => Regex.Count(e, "Starting worker on") == 2, HostEnvironment.Wait, "two children did not start");

        supervisor.Signal("KILL");

        // The children share the supervisor's standard error: it ends only when they have exited too.
        await supervisor.WaitForExitAsync(HostEnvironment.Wait);
        Assert.Equal(2, Regex.Count(supervisor.StandardError, "The supervisor is gone"));
        Assert.Equal(2, WorkerSpentLine().Count(supervisor.StandardError));
    }

    private static int Jobs(Match line) => int.Parse(line.Groups["jobs"].Value, CultureInfo.InvariantCulture);

    private static List<int> StartedChildren(string stderr) =>
        [.. ChildStarted().Matches(stderr).Select(m => int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"Worker spent [0-9.]+ seconds performing (?<jobs>[0-9]+) jobs \([0-9.]+ jobs/second\)(?<total> in total over (?<processes>[0-9]+) processes)?")]
    private static partial Regex WorkerSpentLine();

    [GeneratedRegex(@"Worker process (?<pid>[0-9]+) started")]
    private static partial Regex ChildStarted();
}
