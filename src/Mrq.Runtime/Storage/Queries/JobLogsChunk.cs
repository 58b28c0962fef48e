namespace Mrq.Storage.Queries;

/// <summary>Log text read by <see cref="IJobQueries.ReadLogsAsync"/> and the cursor after it (opaque to callers).</summary>
/// <param name="Logs">The new log text, oldest first (empty when none).</param>
/// <param name="Cursor">The cursor to pass to the next read.</param>
public readonly record struct JobLogsChunk(string Logs, string? Cursor);
