using Mrq.Storage;

namespace Mrq.Configuration;

/// <summary>An adapter that keeps jobs on a server named by the <c>mongodb_jobs</c> URI (instead of the embedded file).</summary>
public abstract class JobStoreAdapter : StoreAdapter
{
    /// <summary>Opens the job store that <paramref name="settings"/> name (their <c>mongodb_jobs</c> is set and valid).</summary>
    public abstract IJobStore Open(MrqSettings settings);
}
