namespace Mrq.Storage;

/// <summary>A job about to be inserted as <c>queued</c>.</summary>
internal readonly record struct NewJob(JobId Id, string Path, string Queue, ReadOnlyMemory<byte> Params, DateTime DateQueued);
