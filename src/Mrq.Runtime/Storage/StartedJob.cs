namespace Mrq.Storage;

/// <summary>A job in status <c>started</c>, as recovery sees it: who started it and when.</summary>
internal readonly record struct StartedJob(JobId Id, string Path, string? Worker, DateTime? DateStarted);
