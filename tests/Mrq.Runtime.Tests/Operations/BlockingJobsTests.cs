namespace Mrq.Tests.Operations;

/// <summary>
/// Jobs that hold their thread (synchronous waits, CPU work) on a real worker process. A claimed batch starts on one
/// runner per core; the runners must not leave the rest of the batch waiting behind such jobs. In a process of its own
/// because the jobs block thread-pool threads, which the test host's other tests need.
/// </summary>
public sealed class BlockingJobsTests
{
    [Fact]
    public async Task Jobs_that_block_their_thread_all_run_at_once_up_to_greenlets()
    {
        await using var env = new HostEnvironment();
        const int Parties = 8;
        var meeting = Guid.NewGuid().ToString("N");
        var ids = env.Client.EnqueueMany(Enumerable.Range(0, Parties).Select(_ => HostJobs.Rendezvous(meeting, Parties)).ToArray());
        using var worker = env.StartWorker("default", "--greenlets", Parties.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Each job returns only once all eight run side by side; one left waiting for a runner fails them all (60 s).
        await env.WaitForStatusAsync(ids, JobStatus.Success);

        worker.Signal("INT");
        Assert.Equal(0, await worker.WaitForExitAsync(HostEnvironment.Wait));
    }
}
