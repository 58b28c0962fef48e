namespace Mrq.Storage.Queries;

/// <summary>
/// The argument rules of <see cref="IJobQueries.FindJobsAsync"/> and <see cref="IJobQueries.CountJobsAsync"/>, the same
/// for every store, checked in one place before the store reads anything.
/// </summary>
public static class JobQueryArguments
{
    /// <summary>
    /// Checks a page's arguments (a filter, <paramref name="skip"/> and <paramref name="limit"/> not negative, valid
    /// params JSON) and returns the filter's wanted params entries, or null when it has none.
    /// </summary>
    public static Dictionary<string, string>? CheckPage(JobFilter filter, int skip, int limit)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return ParamsFilter.Of(filter);
    }

    /// <summary>
    /// Checks a count's arguments (a filter, <paramref name="cap"/> not negative, valid params JSON) and returns the
    /// filter's wanted params entries, or null when it has none.
    /// </summary>
    public static Dictionary<string, string>? CheckCount(JobFilter filter, long cap)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(cap);
        return ParamsFilter.Of(filter);
    }
}
