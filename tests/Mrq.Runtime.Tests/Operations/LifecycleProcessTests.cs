using Mrq.Serialization;
using Mrq.Tests.Support;

namespace Mrq.Tests.Operations;

/// <summary>
/// Job transitions seen from real worker processes (tests/Mrq.Tests.WorkerHost) on a shared SQLite file, after MRQ's
/// test_retry, test_abort, test_cancel, test_interrupt_maxconcurrency and test_logger.
/// </summary>
public sealed class LifecycleProcessTests
{
    private static JobRequest Job(string path, string json) => new(path, MessagePackJson.FromJson(json), "default");

    [Fact]
    public async Task Retry_with_no_delay_then_success_and_with_a_delay_through_the_retry_status()
    {
        await using var host = new HostEnvironment();
        var immediate = host.Client.Enqueue(Job("host.RetryOnce", """{"delay": 0}"""));
        var delayed = host.Client.Enqueue(Job("host.RetryOnce", """{"delay": 1}"""));

        // Not burst: the delayed retry must be requeued by the worker's maintenance and run again.
        using var worker = host.StartWorker("default", "--greenlets", "2");
        await host.WaitForStatusAsync([immediate, delayed], JobStatus.Success);

        var first = await host.GetAsync(immediate);
        var second = await host.GetAsync(delayed);
        Assert.Equal(1, first.RetryCount);
        Assert.Equal(1, second.RetryCount);
        Assert.Equal(JobStatus.Retry, Assert.Single(second.TracebackHistory).Status);
        Assert.Empty(first.TracebackHistory);
    }

    [Fact]
    public async Task Abort_ends_the_job_abort()
    {
        await using var host = new HostEnvironment();
        var id = host.Client.Enqueue(Job("host.Abort", "{}"));

        using var worker = host.StartWorker("default", "--dequeue_strategy", "burst");
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));

        var job = await host.GetAsync(id);
        Assert.Equal(JobStatus.Abort, job.Status);
        Assert.Equal("AbortInterrupt", job.ExceptionType);
    }

    [Fact]
    public async Task Cancelling_a_running_job_in_another_process_stops_it_and_it_stays_cancel()
    {
        await using var host = new HostEnvironment();
        var id = host.Client.Enqueue(Job("host.Sleep", """{"ms": 60000}"""));
        using var worker = host.StartWorker("default");
        await host.WaitForStatusAsync([id], JobStatus.Started);

        Assert.Equal(1, await host.Client.CancelAsync(JobFilter.ById(id)));

        // The worker notices within about a second, cancels the task's token and takes the next job.
        var next = host.Client.Enqueue(Job("host.Sleep", """{"ms": 1}"""));
        await host.WaitForStatusAsync([next], JobStatus.Success);
        Assert.Equal(JobStatus.Cancel, (await host.GetAsync(id)).Status);
        await Eventually.TrueAsync(
            () => Task.FromResult(worker.StandardError.Contains("cancelled or requeued while running", StringComparison.Ordinal)),
            HostEnvironment.Wait,
            () => "the worker did not log the cancellation:\n" + worker.StandardError);
    }

    [Fact]
    public async Task Max_concurrency_holds_across_two_worker_processes()
    {
        await using var host = new HostEnvironment();
        var ids = host.Client.EnqueueMany([Job("host.Locked", """{"ms": 8000}"""), Job("host.Locked", """{"ms": 8000}""")]);

        using var first = host.StartWorker("default", "--max_jobs", "1");
        using var second = host.StartWorker("default", "--max_jobs", "1");
        Assert.Equal(0, await first.WaitForExitAsync(HostEnvironment.Wait));
        Assert.Equal(0, await second.WaitForExitAsync(HostEnvironment.Wait));

        var statuses = new List<JobStatus>();
        foreach (var id in ids)
        {
            statuses.Add((await host.GetAsync(id)).Status);
        }

        Assert.Equal([JobStatus.Success, JobStatus.MaxConcurrency], statuses.Order());
    }

    [Fact]
    public async Task Job_logs_and_progress_are_stored_by_the_worker_process()
    {
        await using var host = new HostEnvironment();
        var id = host.Client.Enqueue(Job("host.LogAndProgress", """{"a": 41, "b": 1}"""));

        using var worker = host.StartWorker("default", "--dequeue_strategy", "burst");
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));

        var job = await host.GetAsync(id);
        Assert.Equal(JobStatus.Success, job.Status);
        Assert.Equal(1.0, job.Progress);
        Assert.Contains("adding 41 and 1", await host.Client.GetLogsAsync(id), StringComparison.Ordinal);
        Assert.Contains("adding 41 and 1", worker.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_counts_a_task_s_rate_limit_on_the_configured_broker_as_workers_do()
    {
        await using var host = new HostEnvironment();
        var key = "run." + Guid.NewGuid().ToString("N");
        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var run = ChildProcess.StartWorkerHost(host.Directory, "run", "host.RateLimited", $$"""{"key": "{{key}}"}""");
            Assert.Equal(0, await run.WaitForExitAsync(HostEnvironment.Wait));
            answers.Add(run.StandardOutput.Trim());
        }

        Assert.Equal(["2", "1", "0"], answers);
    }
}
