namespace Mrq.Storage.Queries;

/// <summary>
/// A count of <see cref="IJobQueries.CountJobsAsync"/>: exact, or (<paramref name="IsLowerBound"/>) "at least
/// <paramref name="Count"/>" when counting stopped at the cap or at the store's bound on the jobs it reads.
/// </summary>
internal readonly record struct JobCount(long Count, bool IsLowerBound);
