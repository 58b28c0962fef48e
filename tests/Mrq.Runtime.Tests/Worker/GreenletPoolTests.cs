using System.Collections.Concurrent;
using Mrq.Configuration;
using Mrq.Processing;
using Mrq.Storage;
using Mrq.Tests.Support;

namespace Mrq.Tests.Worker;

/// <summary>The worker's greenlets: a bound on running jobs, and jobs claimed ahead starting as greenlets free.</summary>
public sealed class GreenletPoolTests
{
    [Fact]
    public async Task Runs_at_most_its_greenlets_at_once_and_every_job_claimed_ahead()
    {
        var running = 0;
        var most = 0;
        var done = new ConcurrentBag<JobId>();
        GreenletPool? pool = null;
        pool = new GreenletPool(3, async job =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(1);
            Interlocked.Decrement(ref running);
            done.Add(job.Id);
            pool!.Ended();
        });

        var jobs = Jobs(60);
        foreach (var batch in jobs.Chunk(10))
        {
            pool.Start(batch);
        }

        await WaitUntilAsync(() => done.Count == 60);
        Assert.InRange(most, 1, 3);
        Assert.Equal(jobs.Select(j => j.Id).Order(), done.Order());
        Assert.Equal(0, pool.Busy);
    }

    [Fact]
    public async Task A_job_that_ends_before_its_first_await_hands_its_greenlet_on_without_recursion()
    {
        var depth = 0;
        var deepest = 0;
        var ran = 0;
        GreenletPool? pool = null;
        pool = new GreenletPool(1, job =>
        {
            InterlockedMax(ref deepest, Interlocked.Increment(ref depth));
            Interlocked.Increment(ref ran);
            pool!.Ended();
            Interlocked.Decrement(ref depth);
            return Task.CompletedTask;
        });

        // One greenlet: 10,000 jobs wait, and each job that ends starts the next. The thread that ends the first one runs
        // the others one after another (two frames deep) instead of one inside the other.
        pool.Start(Jobs(10_001));

        await WaitUntilAsync(() => Volatile.Read(ref ran) == 10_001);
        Assert.Equal(10_001, ran);
        Assert.InRange(deepest, 1, 2);
        Assert.Equal(0, pool.Busy);
    }

    [Fact]
    public void Jobs_waiting_for_a_greenlet_can_be_taken_back()
    {
        var started = new ConcurrentBag<RunningJob>();
        var pool = new GreenletPool(2, job =>
        {
            started.Add(job);
            return new TaskCompletionSource().Task;
        });

        var jobs = Jobs(5);
        pool.Start(jobs);
        SpinWait.SpinUntil(() => started.Count == 2, TimeSpan.FromSeconds(10));

        var taken = pool.TakeWaiting(DateTime.MaxValue);

        Assert.Equal(2, started.Count);
        Assert.Equal(jobs.Except(started).Select(j => j.Id).Order(), taken.Select(j => j.Id).Order());
        Assert.Equal(2, pool.Busy);
    }

    private static RunningJob[] Jobs(int count) => RunningJobs.Create(count, "tests.worker.Pool");

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }
}
