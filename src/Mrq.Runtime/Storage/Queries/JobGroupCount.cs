namespace Mrq.Storage.Queries;

/// <summary>
/// One group of an aggregate of <see cref="IJobQueries"/>: <paramref name="Key"/> is the queue or task path,
/// <paramref name="Detail"/> the status name or the exception type.
/// </summary>
/// <param name="Key">The queue, raw queue or task path of the group.</param>
/// <param name="Detail">The status name, or the exception type.</param>
/// <param name="Count">How many jobs the group holds.</param>
public readonly record struct JobGroupCount(string Key, string Detail, long Count);
