namespace Mrq.Storage;

/// <summary>A job a worker claimed (now <c>started</c>), with what it needs to run it.</summary>
internal sealed record ClaimedJob(JobId Id, string Path, string Queue, ReadOnlyMemory<byte> Params, int RetryCount, DateTime DateQueued, DateTime DateStarted);
