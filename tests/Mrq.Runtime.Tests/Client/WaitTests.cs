namespace Mrq.Tests.Client;

/// <summary>
/// Which statuses <c>WaitAsync</c> (MRQ's wait) and <c>WaitForFinalStatusAsync</c> wait through, on a client whose job
/// goes through a scripted list of states, one per read.
/// </summary>
public sealed class WaitTests
{
    private static readonly JobId Id = JobId.NewId();

    [Fact]
    public async Task WaitAsync_waits_through_queued_started_and_a_delay_but_returns_a_retry_as_MRQ_does()
    {
        var client = new ScriptedClient((JobStatus.Queued, 0), (JobStatus.Retry, 0), (JobStatus.Started, 0), (JobStatus.Retry, 1), (JobStatus.Success, 1));

        var job = await client.WaitAsync(Id, TimeSpan.FromMinutes(1));

        Assert.Equal((JobStatus.Retry, 1, 4), (job.Status, job.RetryCount, client.Reads));
    }

    [Fact]
    public async Task WaitForFinalStatusAsync_waits_through_retries_and_interrupts_until_a_status_no_worker_leaves()
    {
        var client = new ScriptedClient(
            (JobStatus.Queued, 0), (JobStatus.Started, 0), (JobStatus.Retry, 1), (JobStatus.Queued, 1), (JobStatus.Interrupt, 1), (JobStatus.Started, 1), (JobStatus.Failed, 1));

        var job = await client.WaitForFinalStatusAsync(Id, TimeSpan.FromMinutes(1));

        Assert.Equal((JobStatus.Failed, 7), (job.Status, client.Reads));
    }

    [Theory]
    [InlineData(JobStatus.Success)]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.MaxRetries)]
    [InlineData(JobStatus.Abort)]
    [InlineData(JobStatus.Cancel)]
    [InlineData(JobStatus.Timeout)]
    [InlineData(JobStatus.MaxConcurrency)]
    public async Task WaitForFinalStatusAsync_returns_at_once_on_a_final_status(JobStatus status)
    {
        var client = new ScriptedClient((status, 2));

        Assert.Equal(status, (await client.WaitForFinalStatusAsync(Id, TimeSpan.FromMinutes(1))).Status);
    }

    [Fact]
    public async Task WaitForFinalStatusAsync_times_out_naming_the_status_it_last_saw()
    {
        var client = new ScriptedClient((JobStatus.Retry, 3));

        var error = await Assert.ThrowsAsync<TimeoutException>(async () => await client.WaitForFinalStatusAsync(Id, TimeSpan.FromMilliseconds(50)));

        Assert.Contains("is retry", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A client whose one job is in the next scripted state at each read, and stays in the last one.</summary>
    private sealed class ScriptedClient(params (JobStatus Status, int RetryCount)[] states) : IMrqClient
    {
        public int Reads { get; private set; }

        public ValueTask<JobInfo?> GetJobAsync(JobId id, CancellationToken cancellationToken = default)
        {
            var (status, retryCount) = states[Math.Min(Reads++, states.Length - 1)];
            return ValueTask.FromResult<JobInfo?>(new JobInfo { Id = id, Path = "tests.Scripted", Queue = "default", Status = status, RetryCount = retryCount });
        }

        public ValueTask<IReadOnlyList<JobId>> EnqueueManyAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask EnqueueRawAsync(string queue, IReadOnlyList<RawParam> items, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<long> RemoveRawAsync(string queue, IReadOnlyList<string> items, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<long> CancelAsync(JobFilter filter, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<long> RequeueAsync(JobFilter filter, string? destinationQueue = null, bool keepRetryCount = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<string> GetLogsAsync(JobId id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask PauseQueueAsync(string queue, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask ResumeQueueAsync(string queue, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<string>> GetPausedQueuesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
