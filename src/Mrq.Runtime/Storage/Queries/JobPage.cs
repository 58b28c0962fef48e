namespace Mrq.Storage.Queries;

/// <summary>
/// A page of <see cref="IJobQueries.FindJobsAsync"/>: the jobs, newest stored first; <paramref name="Next"/>, the cursor
/// that continues after them (null when nothing is left); and <paramref name="Partial"/>, true when the store stopped
/// searching after reading its bounded number of candidates before filling the page (some filters have no index), so
/// more matching jobs may follow <paramref name="Next"/>.
/// </summary>
/// <param name="Jobs">The jobs of the page, newest stored first.</param>
/// <param name="Next">The cursor to pass as <c>after</c> for the following page; null at the end.</param>
/// <param name="Partial">True when the search stopped at the store's bound before the page was full.</param>
public readonly record struct JobPage(IReadOnlyList<JobInfo> Jobs, string? Next, bool Partial);
