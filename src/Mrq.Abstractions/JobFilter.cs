namespace Mrq;

/// <summary>
/// Selects jobs for bulk actions (MRQ's JobAction filters). Every criterion that is set must match; an empty filter
/// matches nothing, so a bulk action never touches every job by accident.
/// </summary>
public sealed record JobFilter
{
    /// <summary>One job.</summary>
    public JobId? Id { get; init; }

    /// <summary>Jobs of this (regular) queue; <c>x/</c> selects the queue <c>x</c> and its subqueues <c>x/...</c>.</summary>
    public string? Queue { get; init; }

    /// <summary>Jobs of this task path.</summary>
    public string? Path { get; init; }

    /// <summary>Jobs in any of these statuses.</summary>
    public IReadOnlyList<JobStatus>? Statuses { get; init; }

    /// <summary>Jobs made from this raw queue (their <see cref="JobInfo.RawQueue"/>).</summary>
    public string? RawQueue { get; init; }

    /// <summary>Jobs whose exception type is this.</summary>
    public string? ExceptionType { get; init; }

    /// <summary>Jobs run by this worker.</summary>
    public string? Worker { get; init; }

    /// <summary>Jobs whose params contain these entries (compared as JSON values, e.g. <c>{"n": 42}</c>).</summary>
    public string? Params { get; init; }

    /// <summary>Whether no criterion is set.</summary>
    public bool IsEmpty => Id is null && Queue is null && RawQueue is null && Path is null && Statuses is null && ExceptionType is null && Worker is null && Params is null;

    /// <summary>A filter on one job.</summary>
    public static JobFilter ById(JobId id) => new() { Id = id };
}
