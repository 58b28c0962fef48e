namespace Mrq.Storage.Sqlite;

/// <summary>Reads the JSON <c>traceback_history</c> column.</summary>
internal static class SqliteTracebackHistory
{
    public static IReadOnlyList<TracebackEntry> Parse(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var entries = new List<TracebackEntry>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            entries.Add(new TracebackEntry
            {
                Date = SqliteDates.FromUnixMilliseconds(item.GetProperty("date").GetInt64()),
                Status = JobStatusNames.Parse(item.GetProperty("status").GetString()!),
                ExceptionType = Text(item, "exceptiontype"),
                Traceback = Text(item, "traceback"),
                OriginalTraceback = Text(item, "original_traceback"),
                Worker = Text(item, "worker"),
            });
        }

        return entries;
    }

    /// <summary>The column's JSON for a whole document's history, in the shape the completion statement appends.</summary>
    public static string ToJson(IReadOnlyList<TracebackEntry> entries)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new System.Text.Json.Utf8JsonWriter(output))
        {
            writer.WriteStartArray();
            foreach (var entry in entries)
            {
                writer.WriteStartObject();
                writer.WriteNumber("date", SqliteDates.ToUnixMilliseconds(entry.Date));
                writer.WriteString("status", entry.Status.ToName());
                writer.WriteString("exceptiontype", entry.ExceptionType);
                writer.WriteString("traceback", entry.Traceback);
                writer.WriteString("original_traceback", entry.OriginalTraceback);
                writer.WriteString("worker", entry.Worker);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string? Text(System.Text.Json.JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
}
