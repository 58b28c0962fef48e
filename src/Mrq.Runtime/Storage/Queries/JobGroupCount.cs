namespace Mrq.Storage.Queries;

/// <summary>
/// One group of an aggregate of <see cref="IJobQueries"/>: <paramref name="Key"/> is the queue or task path,
/// <paramref name="Detail"/> the status name or the exception type.
/// </summary>
internal readonly record struct JobGroupCount(string Key, string Detail, long Count);
