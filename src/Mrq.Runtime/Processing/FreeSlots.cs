using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// The slots a claim of the worker loop may fill, counted again when the store is ready to claim
/// (<see cref="IRecountingJobQueue"/>): the loop counts its free slots before the store call, and the jobs that end
/// while the store waits for its lock free more, which the same claim then fills.
/// </summary>
internal sealed class FreeSlots(WorkerState state, int maxJobs) : IClaimRecount
{
    private int _capacity;
    private int _most;

    /// <summary>
    /// Before a claim: <paramref name="capacity"/> slots in all (the greenlets and the jobs that may be claimed ahead),
    /// at most <paramref name="most"/> jobs per claim.
    /// </summary>
    public void Set(int capacity, int most)
    {
        _capacity = capacity;
        _most = most;
    }

    /// <inheritdoc/>
    public int Recount(int planned)
    {
        // Running already counts the jobs claimed earlier in the pass (the loop starts them before its next claim).
        var free = _capacity - state.Running;
        if (maxJobs > 0)
        {
            free = Math.Min(free, maxJobs - (int)(state.Running + state.DoneJobs));
        }

        return Math.Max(planned, Math.Min(_most, free));
    }
}
