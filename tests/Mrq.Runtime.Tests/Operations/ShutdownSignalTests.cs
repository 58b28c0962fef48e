using System.Globalization;
using Mrq.Tests.Support;

namespace Mrq.Tests.Operations;

/// <summary>
/// MRQ's shutdown signals on real worker processes (MRQ's test_interrupts), alone and under a <c>--processes 1</c>
/// supervisor: the first SIGINT lets running jobs end <c>success</c>; SIGTERM or a second SIGINT ends them
/// <c>interrupt</c>; SIGKILL leaves them <c>started</c>.
/// </summary>
public sealed class ShutdownSignalTests
{
    private const string GracefulStop = "stopping after the running jobs finish";
    private const string ForcedStop = "interrupting running jobs";

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task First_SIGINT_lets_running_jobs_end_success_and_dequeues_nothing_more(int processes)
    {
        await using var env = new HostEnvironment();
        var running = env.Client.EnqueueMany([HostJobs.Sleep(1500), HostJobs.Sleep(1500)]);
        using var worker = env.StartWorker(["default", "--greenlets", "2", .. Processes(processes)]);
        await env.WaitForStatusAsync(running, JobStatus.Started);

        worker.Signal("INT");
        await worker.WaitForErrorAsync(e => e.Contains(GracefulStop, StringComparison.Ordinal), HostEnvironment.Wait, "the worker did not start a graceful stop");
        var late = env.Client.Enqueue(HostJobs.Sleep(1));

        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));
        foreach (var id in running)
        {
            var job = await env.GetAsync(id);
            Assert.Equal(JobStatus.Success, job.Status);
        }

        Assert.Equal(JobStatus.Queued, (await env.GetAsync(late)).Status);
        Assert.Contains("performing 2 jobs", worker.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "TERM")]
    [InlineData(1, "TERM")]
    [InlineData(0, "INT", "INT")]
    [InlineData(1, "INT", "INT")]
    public async Task SIGTERM_or_a_second_SIGINT_ends_running_jobs_interrupt(int processes, params string[] signals)
    {
        await using var env = new HostEnvironment();
        var running = env.Client.EnqueueMany([HostJobs.Sleep(600_000), HostJobs.Sleep(600_000)]);
        using var worker = env.StartWorker(["default", "--greenlets", "2", .. Processes(processes)]);
        await env.WaitForStatusAsync(running, JobStatus.Started);

        foreach (var signal in signals[..^1])
        {
            worker.Signal(signal);
            await worker.WaitForErrorAsync(e => e.Contains(GracefulStop, StringComparison.Ordinal), HostEnvironment.Wait, "no graceful stop after the first " + signal);
        }

        worker.Signal(signals[^1]);
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));
        Assert.Contains(ForcedStop, worker.StandardError, StringComparison.Ordinal);
        foreach (var id in running)
        {
            var job = await env.GetAsync(id);
            Assert.Equal(JobStatus.Interrupt, job.Status);
            Assert.Equal("JobInterrupt", job.ExceptionType);
        }
    }

    [Fact]
    public async Task SIGKILL_leaves_running_jobs_started()
    {
        await using var env = new HostEnvironment();
        var running = env.Client.EnqueueMany([HostJobs.Sleep(600_000), HostJobs.Sleep(600_000)]);
        using var worker = env.StartWorker("default", "--greenlets", "2");
        await env.WaitForStatusAsync(running, JobStatus.Started);

        worker.Signal("KILL");
        Assert.Equal(128 + 9, await worker.WaitForExitAsync(HostEnvironment.Wait));
        foreach (var id in running)
        {
            var job = await env.GetAsync(id);
            Assert.Equal(JobStatus.Started, job.Status);
            Assert.NotNull(job.Worker);
        }
    }

    private static string[] Processes(int processes) =>
        processes > 0 ? ["--processes", processes.ToString(CultureInfo.InvariantCulture)] : [];
}
