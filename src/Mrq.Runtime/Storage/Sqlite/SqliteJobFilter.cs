using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>Translates a <see cref="JobFilter"/> into a WHERE clause of the embedded store.</summary>
internal static class SqliteJobFilter
{
    public static (string Where, Action<SqliteCommand> Bind) Where(JobFilter filter)
    {
        var conditions = new List<string>();
        var values = new List<(string Name, object Value)>();
        if (filter.Id is { } id)
        {
            conditions.Add("id = $f_id");
            values.Add(("$f_id", id.ToByteArray()));
        }

        if (filter.Queue is { } listen && IsFamily(listen))
        {
            // "x/": the queue x and its subqueues x/..., two ranges of the queue index.
            conditions.Add("(queue = $f_root OR (queue >= $f_sub_from AND queue < $f_sub_to))");
            values.Add(("$f_root", listen[..^1]));
            values.Add(("$f_sub_from", listen));
            values.Add(("$f_sub_to", listen[..^1] + (char)(RawQueueNames.SubqueueSeparator + 1)));
        }
        else
        {
            Add(conditions, values, "queue", filter.Queue);
        }

        Add(conditions, values, "path", filter.Path);
        Add(conditions, values, "raw_queue", filter.RawQueue);
        Add(conditions, values, "exceptiontype", filter.ExceptionType);
        Add(conditions, values, "worker", filter.Worker);
        if (filter.Statuses is { } statuses)
        {
            // Literals, not parameters (the names come from the fixed set of statuses): a literal status is what lets
            // SQLite use the partial indexes (interrupt jobs, due retries) instead of scanning every job.
            var names = statuses.Select(s => "'" + s.ToName() + "'").Distinct(StringComparer.Ordinal).ToList();
            conditions.Add(names.Count switch
            {
                0 => "0 = 1",
                1 => "status = " + names[0],
                _ => $"status IN ({string.Join(", ", names)})",
            });
        }

        var where = conditions.Count == 0 ? "1 = 1" : string.Join(" AND ", conditions);
        return (where, command =>
        {
            foreach (var (name, value) in values)
            {
                command.Parameters.AddWithValue(name, value);
            }
        }
        );
    }

    /// <summary>True for <c>x/</c>: the queue x and its subqueues.</summary>
    public static bool IsFamily(string queue) => queue.Length > 1 && queue[^1] == RawQueueNames.SubqueueSeparator;

    private static void Add(List<string> conditions, List<(string, object)> values, string column, string? value)
    {
        if (value is not null)
        {
            conditions.Add($"{column} = $f_{column}");
            values.Add(($"$f_{column}", value));
        }
    }
}
