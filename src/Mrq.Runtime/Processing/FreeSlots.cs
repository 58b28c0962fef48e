using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// The slots a claim of the worker loop may fill, counted again when the store is ready to claim
/// (<see cref="IRecountingJobQueue"/>): the loop counts its free slots before the store call, and the jobs that end
/// while the store waits for its lock free more, which the same claim then fills.
/// </summary>
/// <param name="state">The worker's running and done counts.</param>
/// <param name="maxJobs">MRQ's <c>max_jobs</c> (0: no limit).</param>
/// <param name="most">The most jobs one claim takes.</param>
internal sealed class FreeSlots(WorkerState state, int maxJobs, int most) : IClaimRecount
{
    private int _capacity;

    /// <summary>Before a pass: <paramref name="capacity"/> slots in all (the greenlets and the jobs claimed ahead).</summary>
    public void Set(int capacity) => _capacity = capacity;

    /// <inheritdoc/>
    public int Recount(int planned)
    {
        // Running already counts the jobs claimed earlier in the pass (the loop starts them before its next claim).
        var free = _capacity - state.Running;
        if (maxJobs > 0)
        {
            free = Math.Min(free, maxJobs - (int)(state.Running + state.DoneJobs));
        }

        return Math.Max(planned, Math.Min(most, free));
    }
}
