namespace Mrq.Storage.Queries;

/// <summary>Log text read by <see cref="IJobQueries.ReadLogsAsync"/> and the cursor after it (opaque to callers).</summary>
internal readonly record struct JobLogsChunk(string Logs, string? Cursor);
