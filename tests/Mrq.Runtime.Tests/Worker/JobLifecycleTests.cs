using Mrq.Configuration;

namespace Mrq.Tests.Worker;

/// <summary>MRQ's job state machine through the real worker engine on a real SQLite file (MRQ's test_retry, test_abort,
/// test_cancel, test_requeue, test_timeout, test_progress, test_logger, test_interrupt_maxconcurrency).</summary>
public sealed class JobLifecycleTests
{
    private static MrqSettings Worker(int greenlets = 1, int maxJobs = 0, DequeueStrategy strategy = DequeueStrategy.Burst) =>
        new() { Greenlets = greenlets, MaxJobs = maxJobs, DequeueStrategy = strategy, MaxLatency = 0.05 };

    [Fact]
    public async Task Retry_with_no_delay_requeues_at_once_and_the_job_then_succeeds()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.RetryThenSucceed.Job(times: 1, delaySeconds: 0));

        var summary = await harness.RunAsync(Worker(), "default");

        Assert.Equal(2, summary.DoneJobs);
        var job = (await harness.Store.GetAsync(id))!;
        Assert.Equal(JobStatus.Success, job.Status);
        Assert.Equal(1, job.RetryCount);
        Assert.Equal(42, Tasks.RetryThenSucceed.GetResult(job));
    }

    [Fact]
    public async Task Retry_with_a_delay_waits_in_status_retry_then_is_requeued_and_runs_again()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.RetryThenSucceed.Job(times: 1, delaySeconds: 1, queue: "later"));

        await harness.RunAsync(Worker(), "default");
        var waiting = (await harness.Store.GetAsync(id))!;
        Assert.Equal(JobStatus.Retry, waiting.Status);
        Assert.Equal("later", waiting.Queue);
        Assert.Equal(1, waiting.RetryCount);
        Assert.NotNull(waiting.DateRetry);
        Assert.Equal("RetryInterrupt", waiting.ExceptionType);
        var entry = Assert.Single(waiting.TracebackHistory);
        Assert.Equal(JobStatus.Retry, entry.Status);
        Assert.Contains("not yet 0", entry.OriginalTraceback, StringComparison.Ordinal);

        // The worker's maintenance requeues it once due; max_jobs stops the worker after that run.
        await harness.RunAsync(Worker(maxJobs: 1, strategy: DequeueStrategy.Sequential), "later");
        var done = (await harness.Store.GetAsync(id))!;
        Assert.Equal(JobStatus.Success, done.Status);
        Assert.Equal(1, done.RetryCount);
    }

    [Fact]
    public async Task A_task_with_RetryOnFailure_is_retried_when_it_throws_and_succeeds_later()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.FlakyThenSucceed.Job(failures: 2));

        var summary = await harness.RunAsync(Worker(), "default");

        Assert.Equal(3, summary.DoneJobs);
        var job = (await harness.Store.GetAsync(id))!;
        Assert.Equal((JobStatus.Success, 2, 2), (job.Status, job.RetryCount, Tasks.FlakyThenSucceed.GetResult(job)));
    }

    [Fact]
    public async Task Retries_on_failure_are_off_by_default_and_once_turned_on_run_out_in_status_failed_with_the_last_exception()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.Flaky.Job());

        // Off by default (MRQ's failed at once); the config turns it on for the task, with no delay and two retries.
        var once = await harness.RunAsync(Worker(), "default");
        Assert.Equal((JobStatus.Failed, 0), ((await harness.Store.GetAsync(id))!.Status, (await harness.Store.GetAsync(id))!.RetryCount));
        await harness.Client.RequeueAsync(JobFilter.ById(id));
        var settings = Worker();
        settings.Extra["TASKS"] = """{ "tests.lifecycle.Flaky": { "retry_on_failure": 1, "max_retries": 2, "retry_delay": 0 } }""";

        var summary = await harness.RunAsync(settings, "default");

        Assert.Equal((1, 3), (once.DoneJobs, summary.DoneJobs));
        var job = (await harness.Store.GetAsync(id))!;
        Assert.Equal((JobStatus.Failed, 2, "System.InvalidOperationException"), (job.Status, job.RetryCount, job.ExceptionType));
        Assert.Contains("attempt 2", job.Traceback, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Failed, job.TracebackHistory[^1].Status);
    }

    [Fact]
    public async Task A_task_with_RetryBackoff_waits_twice_as_long_before_each_retry()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.BackedOff.Job());

        // First failure: RetryDelay (600 s) plus up to 10%; requeued by hand with its count, the second waits twice that.
        await harness.RunAsync(Worker(), "default");
        var first = (await harness.Store.GetAsync(id))!;
        await harness.Client.RequeueAsync(JobFilter.ById(id), keepRetryCount: true);
        await harness.RunAsync(Worker(), "default");
        var second = (await harness.Store.GetAsync(id))!;

        Assert.Equal((JobStatus.Retry, 1, JobStatus.Retry, 2), (first.Status, first.RetryCount, second.Status, second.RetryCount));
        Assert.InRange((first.DateRetry!.Value - first.DateUpdated!.Value).TotalSeconds, 599, 661);
        Assert.InRange((second.DateRetry!.Value - second.DateUpdated!.Value).TotalSeconds, 1199, 1321);
        Assert.Contains("RetryInterrupt #2: 1", second.Traceback, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limit_counts_every_job_s_calls_on_the_broker_as_MRQ_s_ratelimit()
    {
        await using var harness = new WorkerHarness();
        var key = "tests.api." + Guid.NewGuid().ToString("N");
        var ids = harness.Client.EnqueueMany([.. Enumerable.Range(0, 5).Select(_ => Tasks.RateLimited.Job(key))]);
        var other = harness.Client.Enqueue(Tasks.RateLimited.Job(key + ".other"));

        await harness.RunAsync(Worker(), "default");

        var answers = new List<int>();
        foreach (var id in ids)
        {
            answers.Add(Tasks.RateLimited.GetResult((await harness.Store.GetAsync(id))!));
        }

        Assert.Equal([3, 2, 1, 0, 0], answers);
        Assert.Equal(3, Tasks.RateLimited.GetResult((await harness.Store.GetAsync(other))!));
    }

    [Fact]
    public async Task A_task_that_says_RetryOnFailure_false_fails_at_once_even_when_the_default_retries()
    {
        await using var harness = new WorkerHarness();
        var flaky = harness.Client.Enqueue(Tasks.FlakyThenSucceed.Job(failures: 1));
        var never = harness.Client.Enqueue(Tasks.NeverRetried.Job());
        var settings = Worker();
        settings.DefaultJobRetryOnFailure = true;

        await harness.RunAsync(settings, "default");

        Assert.Equal(JobStatus.Success, (await harness.Store.GetAsync(flaky))!.Status);
        Assert.Equal((JobStatus.Failed, 0), ((await harness.Store.GetAsync(never))!.Status, (await harness.Store.GetAsync(never))!.RetryCount));
    }

    [Fact]
    public async Task WaitForFinalStatusAsync_returns_the_outcome_after_the_retries_where_WaitAsync_returns_the_retry()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.RetryThenSucceed.Job(times: 1, delaySeconds: 1));
        using var stop = new CancellationTokenSource();
        var worker = harness.RunAsync(new MrqSettings { MaxLatency = 0.05 }, stop.Token, default, "default");

        var final = await harness.Client.WaitForFinalStatusAsync(id, TimeSpan.FromMinutes(1));
        var again = await harness.Client.WaitAsync(id, TimeSpan.FromMinutes(1));
        await stop.CancelAsync();
        await worker;

        Assert.Equal((JobStatus.Success, 1, 42), (final.Status, final.RetryCount, Tasks.RetryThenSucceed.GetResult(final)));
        Assert.Equal(JobStatus.Success, again.Status);
    }

    [Fact]
    public async Task A_retry_that_falls_due_runs_at_once_on_an_idle_worker()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.RetryThenSucceed.Job(times: 1, delaySeconds: 1));
        using var stop = new CancellationTokenSource();

        // A worker that polls once a minute: its maintenance requeues the retry once due, and wakes it.
        var worker = harness.RunAsync(new MrqSettings { MaxLatency = 60 }, stop.Token, default, "default");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await harness.Store.GetAsync(id))!.Status != JobStatus.Success && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await worker;
        var job = (await harness.Store.GetAsync(id))!;
        Assert.Equal(JobStatus.Success, job.Status);
        Assert.Equal(1, job.RetryCount);
    }

    [Fact]
    public async Task A_job_retried_past_its_max_retries_ends_maxretries()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.AlwaysRetry.Job(delaySeconds: 0));

        var summary = await harness.RunAsync(Worker(), "default");

        Assert.Equal(3, summary.DoneJobs);
        var job = (await harness.Store.GetAsync(id))!;
        Assert.Equal(JobStatus.MaxRetries, job.Status);
        Assert.Equal("MaxRetriesInterrupt", job.ExceptionType);
        Assert.Equal(2, job.RetryCount);
    }

    [Fact]
    public async Task A_negative_retry_delay_fails_the_job_with_a_clear_error()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.RetryThenSucceed.Job(times: 1, delaySeconds: -5));

        await harness.RunAsync(Worker(), "default");

        var job = (await harness.Store.GetAsync(id))!;
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(typeof(ArgumentOutOfRangeException).FullName, job.ExceptionType);
        Assert.Contains("delay", job.Traceback, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Abort_ends_the_job_abort_with_its_ttl_and_history()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.AbortTask.Job());

        await harness.RunAsync(Worker(), "default");

        var job = (await harness.Store.GetAsync(id))!;
        Assert.Equal(JobStatus.Abort, job.Status);
        Assert.Equal("AbortInterrupt", job.ExceptionType);
        Assert.InRange(job.DateExpires!.Value, DateTime.UtcNow.AddHours(23), DateTime.UtcNow.AddHours(25));
        Assert.Contains("bad data", Assert.Single(job.TracebackHistory).OriginalTraceback, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_past_its_timeout_ends_timeout_and_its_token_is_cancelled()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var id = harness.Client.Enqueue(Tasks.WaitForCancel.Job(log: log));

        await harness.RunAsync(Worker(), "default");

        var job = (await harness.Store.GetAsync(id))!;
        Assert.Equal(JobStatus.Timeout, job.Status);
        Assert.Equal("TimeoutInterrupt", job.ExceptionType);
        Assert.Equal([1, 2], ExecutionLog.For(log));
    }

    [Fact]
    public async Task Timeout_from_the_TASKS_config_overrides_the_attribute()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var id = harness.Client.Enqueue(Tasks.WaitLong.Job(log: log));
        var settings = Worker();
        settings.Extra["TASKS"] = """{"tests.lifecycle.WaitLong": {"timeout": 1}}""";

        await harness.RunAsync(settings, "default");

        Assert.Equal(JobStatus.Timeout, (await harness.Store.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task A_bad_TASKS_entry_is_a_configuration_error_naming_it()
    {
        var settings = new MrqSettings();
        settings.Extra["TASKS"] = """{"tests.lifecycle.WaitLong": {"timeout": "soon"}}""";
        var error = Assert.Throws<MrqConfigurationException>(() => TaskPolicies.Create(settings));
        Assert.Contains("TASKS[\"tests.lifecycle.WaitLong\"].timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_queued_job_never_runs()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var cancelled = harness.Client.Enqueue(Tasks.Record.Job(log: log, n: 1));
        var kept = harness.Client.Enqueue(Tasks.Record.Job(log: log, n: 2));
        Assert.Equal(1, await harness.Client.CancelAsync(JobFilter.ById(cancelled)));

        await harness.RunAsync(Worker(), "default");

        Assert.Equal([2], ExecutionLog.For(log));
        var job = (await harness.Store.GetAsync(cancelled))!;
        Assert.Equal(JobStatus.Cancel, job.Status);
        Assert.NotNull(job.DateExpires);
        Assert.Equal(JobStatus.Success, (await harness.Store.GetAsync(kept))!.Status);
    }

    [Fact]
    public async Task Cancelling_a_running_job_cancels_its_token_and_it_stays_cancel()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var id = harness.Client.Enqueue(Tasks.WaitLong.Job(log: log));

        var worker = harness.RunAsync(Worker(), "default");
        await WaitUntilAsync(() => ExecutionLog.For(log).Count >= 1);
        Assert.Equal(1, await harness.Client.CancelAsync(new JobFilter { Path = "tests.lifecycle.WaitLong", Statuses = [JobStatus.Started] }));
        await worker;

        Assert.Equal([1, 2], ExecutionLog.For(log));
        Assert.Equal(JobStatus.Cancel, (await harness.Store.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task A_requeued_job_goes_to_the_end_of_its_queue_with_its_retry_count_reset()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var first = harness.Client.Enqueue(Tasks.Record.Job(log: log, n: 42));
        harness.Client.Enqueue(Tasks.Record.Job(log: log, n: 44));
        harness.Client.Enqueue(Tasks.Record.Job(log: log, n: 43));
        await Task.Delay(5);
        Assert.Equal(1, await harness.Client.RequeueAsync(JobFilter.ById(first)));

        await harness.RunAsync(Worker(), "default");

        Assert.Equal([44, 43, 42], ExecutionLog.For(log));
    }

    [Fact]
    public async Task Bulk_requeue_by_status_and_params_moves_only_matching_jobs()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var failing = harness.Client.EnqueueMany([Tasks.Raise.Job(message: "a"), Tasks.Raise.Job(message: "b")]);
        await harness.RunAsync(Worker(), "default");

        var moved = await harness.Client.RequeueAsync(new JobFilter { Statuses = [JobStatus.Failed], Params = """{"message": "b"}""" }, destinationQueue: "elsewhere");

        Assert.Equal(1, moved);
        Assert.Equal(JobStatus.Failed, (await harness.Store.GetAsync(failing[0]))!.Status);
        var requeued = (await harness.Store.GetAsync(failing[1]))!;
        Assert.Equal(JobStatus.Queued, requeued.Status);
        Assert.Equal("elsewhere", requeued.Queue);
        Assert.Equal(0, await harness.Client.CancelAsync(new JobFilter()));
    }

    [Fact]
    public async Task Max_concurrency_holds_across_slots_and_ends_extra_jobs_maxconcurrency()
    {
        await using var harness = new WorkerHarness();
        var ids = harness.Client.EnqueueMany([Tasks.Locked.Job(n: 1), Tasks.Locked.Job(n: 2)]);

        await harness.RunAsync(Worker(greenlets: 2), "default");

        var statuses = new List<JobStatus>();
        foreach (var id in ids)
        {
            statuses.Add((await harness.Store.GetAsync(id))!.Status);
        }

        Assert.Equal([JobStatus.Success, JobStatus.MaxConcurrency], statuses.Order());

        // The slot is free again afterwards.
        var third = harness.Client.Enqueue(Tasks.Locked.Job(n: 3));
        await harness.RunAsync(Worker(), "default");
        Assert.Equal(JobStatus.Success, (await harness.Store.GetAsync(third))!.Status);
    }

    [Fact]
    public async Task Progress_and_job_logs_are_stored_with_the_job()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.ProgressAndLogs.Job(a: 41, b: 1));

        await harness.RunAsync(Worker(), "default");

        var job = (await harness.Store.GetAsync(id))!;
        Assert.Equal(42, Tasks.ProgressAndLogs.GetResult(job));
        Assert.Equal(1.0, job.Progress);
        var logs = await harness.Client.GetLogsAsync(id);
        Assert.Contains("[INFO] adding 41 and 1", logs, StringComparison.Ordinal);
        Assert.Contains("[WARNING] done adding", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_jobs_are_purged_with_their_logs()
    {
        await using var harness = new WorkerHarness();
        var id = harness.Client.Enqueue(Tasks.ProgressAndLogs.Job(a: 1, b: 1));
        await harness.RunAsync(Worker(), "default");
        var job = (await harness.Store.GetAsync(id))!;

        Assert.Equal(0, await harness.Store.PurgeExpiredAsync(job.DateExpires!.Value.AddSeconds(-1)));
        Assert.Equal(1, await harness.Store.PurgeExpiredAsync(job.DateExpires!.Value.AddSeconds(1)));
        Assert.Null(await harness.Store.GetAsync(id));
        Assert.Equal("", await harness.Client.GetLogsAsync(id));
    }

    [Fact]
    public async Task A_forced_stop_marks_running_jobs_interrupt()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var id = harness.Client.Enqueue(Tasks.WaitLong.Job(log: log));
        using var stop = new CancellationTokenSource();
        using var interrupt = new CancellationTokenSource();

        var worker = harness.RunAsync(Worker(strategy: DequeueStrategy.Sequential), stop.Token, interrupt.Token, "default");
        await WaitUntilAsync(() => ExecutionLog.For(log).Count >= 1);
        await stop.CancelAsync();
        await interrupt.CancelAsync();
        await worker;

        var job = (await harness.Store.GetAsync(id))!;
        Assert.Equal(JobStatus.Interrupt, job.Status);
        Assert.Equal("JobInterrupt", job.ExceptionType);
    }

    [Fact]
    public async Task A_graceful_stop_lets_the_running_job_finish()
    {
        await using var harness = new WorkerHarness();
        var log = Guid.NewGuid().ToString("N");
        var id = harness.Client.Enqueue(Tasks.Record.Job(log: log, n: 7, holdMs: 500));
        using var stop = new CancellationTokenSource();

        var worker = harness.RunAsync(Worker(strategy: DequeueStrategy.Sequential), stop.Token, default, "default");
        await WaitUntilAsync(() => ExecutionLog.For(log).Count >= 1);
        await stop.CancelAsync();
        var queuedAfterStop = harness.Client.Enqueue(Tasks.Record.Job(log: log, n: 8));
        await worker;

        Assert.Equal(JobStatus.Success, (await harness.Store.GetAsync(id))!.Status);
        Assert.Equal(JobStatus.Queued, (await harness.Store.GetAsync(queuedAfterStop))!.Status);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition(), "condition not reached in 10 s");
    }
}
