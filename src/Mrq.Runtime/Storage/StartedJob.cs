namespace Mrq.Storage;

/// <summary>A job in status <c>started</c>, as recovery sees it: who started it and when.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Path">The task path.</param>
/// <param name="Worker">The id of the worker that started it, when recorded.</param>
/// <param name="DateStarted">When it was started, when recorded.</param>
public readonly record struct StartedJob(JobId Id, string Path, string? Worker, DateTime? DateStarted);
