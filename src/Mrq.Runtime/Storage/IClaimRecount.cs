namespace Mrq.Storage;

/// <summary>
/// The number of jobs a claim takes, counted again by a store that may wait before it can claim (see
/// <see cref="IRecountingJobQueue"/>).
/// </summary>
internal interface IClaimRecount
{
    /// <summary>How many jobs to claim now that the store can: at least <paramref name="planned"/>.</summary>
    int Recount(int planned);
}
