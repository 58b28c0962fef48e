namespace Mrq.Storage.Queries;

/// <summary>
/// A count of <see cref="IJobQueries.CountJobsAsync"/>: exact, or (<paramref name="IsLowerBound"/>) "at least
/// <paramref name="Count"/>" when counting stopped at the cap or at the store's bound on the jobs it reads.
/// </summary>
/// <param name="Count">How many jobs were counted.</param>
/// <param name="IsLowerBound">True when more jobs may match than <paramref name="Count"/>.</param>
public readonly record struct JobCount(long Count, bool IsLowerBound);
