using Mrq.Configuration;
using Mrq.Processing;
using Mrq.Storage;
using Mrq.Tests.Support;

namespace Mrq.Tests.Worker;

/// <summary>The worker loop's count of free slots, taken again when the store can claim (<see cref="FreeSlots"/>).</summary>
public sealed class FreeSlotsTests
{
    [Fact]
    public void A_recount_fills_the_slots_freed_since_the_claim_was_planned_up_to_the_claim_limit()
    {
        var (state, jobs) = Running(12);
        var slots = new FreeSlots(state, maxJobs: 0, most: 64);
        slots.Set(capacity: 15);
        Assert.Equal(3, slots.Recount(3));

        foreach (var job in jobs[..8])
        {
            state.Release(job);
        }

        Assert.Equal(11, slots.Recount(3));
        var capped = new FreeSlots(state, maxJobs: 0, most: 5);
        capped.Set(capacity: 15);
        Assert.Equal(5, capped.Recount(3));
    }

    [Fact]
    public void A_recount_never_takes_fewer_than_planned_nor_more_than_max_jobs_allows()
    {
        var (state, jobs) = Running(10);
        var slots = new FreeSlots(state, maxJobs: 14, most: 64);
        slots.Set(capacity: 10);
        Assert.Equal(2, slots.Recount(2));

        foreach (var job in jobs[..6])
        {
            state.Release(job);
        }

        // 6 done and 4 running of max_jobs 14: 4 more, though 6 slots are free.
        Assert.Equal(4, slots.Recount(1));
    }

    /// <summary>A worker of 10 greenlets with <paramref name="count"/> jobs running (or waiting, claimed ahead).</summary>
    private static (WorkerState State, RunningJob[] Jobs) Running(int count)
    {
        var state = new WorkerState("w", "w", greenlets: 10);
        var jobs = RunningJobs.Create(count, "tests.worker.Slots");
        foreach (var job in jobs)
        {
            state.Add(job);
        }

        return (state, jobs);
    }
}
