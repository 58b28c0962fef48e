using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Mrq.Infrastructure;

namespace Mrq.Configuration;

/// <summary>
/// Resolves each task's effective options, as MRQ reads them in the process that handles the job: the config file's
/// <c>TASKS</c> entry for the path, then the <see cref="MrqTaskAttribute"/> values, then the <c>default_job_*</c> settings.
/// </summary>
/// <example><c>"TASKS": { "tasks.Square": { "timeout": 30, "max_retries": 5, "max_concurrency": 2 } }</c></example>
internal sealed class TaskPolicies
{
    private const string QueueKey = "queue";

    private static readonly string[] s_keys = [.. TaskOption.All.Select(static o => o.ConfigKey), QueueKey];

    private readonly MrqSettings _settings;
    private readonly Dictionary<string, Dictionary<string, JsonElement>> _configured;
    private readonly ConcurrentDictionary<string, TaskPolicy> _cache = new(StringComparer.Ordinal);

    private TaskPolicies(MrqSettings settings, Dictionary<string, Dictionary<string, JsonElement>> configured)
    {
        _settings = settings;
        _configured = configured;
    }

    /// <summary>Reads and validates the <c>TASKS</c> config key; a bad entry throws a message naming it.</summary>
    public static TaskPolicies Create(MrqSettings settings)
    {
        var configured = new Dictionary<string, Dictionary<string, JsonElement>>(StringComparer.Ordinal);
        var raw = settings.GetSection("TASKS");
        if (raw is not null)
        {
            using var document = JsonDocument.Parse(raw);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new MrqConfigurationException("TASKS: expected an object of task path → options, such as {\"tasks.Square\": {\"timeout\": 30}}.");
            }

            foreach (var task in document.RootElement.EnumerateObject())
            {
                if (task.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new MrqConfigurationException($"TASKS[\"{task.Name}\"]: expected an object of options ({string.Join(", ", s_keys)}).");
                }

                var options = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var option in task.Value.EnumerateObject())
                {
                    var key = option.Name.ToLowerInvariant();
                    var where = $"TASKS[\"{task.Name}\"].{option.Name}";
                    if (!s_keys.Contains(key))
                    {
                        throw new MrqConfigurationException($"{where}: unknown option; expected one of {string.Join(", ", s_keys)}.");
                    }

                    var minimum = TaskOption.All.FirstOrDefault(o => o.ConfigKey == key)?.ConfigMinimum ?? 0;
                    var valid = key == QueueKey
                        ? option.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(option.Value.GetString())
                        : option.Value.ValueKind == JsonValueKind.Number && option.Value.TryGetInt32(out var number) && number >= minimum;
                    if (!valid)
                    {
                        var expected = key == QueueKey ? "a queue name" : string.Create(CultureInfo.InvariantCulture, $"an integer of at least {minimum}");
                        throw new MrqConfigurationException($"{where}: expected {expected}, got {option.Value.GetRawText()}.");
                    }

                    options[key] = option.Value.Clone();
                }

                configured[task.Name] = options;
            }
        }

        return new TaskPolicies(settings, configured);
    }

    /// <summary>The effective options of the task at <paramref name="path"/> (defaults for an unknown task).</summary>
    public TaskPolicy For(string path) => _cache.GetOrAdd(path, static (p, self) => self.Resolve(p), this);

    private TaskPolicy Resolve(string path)
    {
        TaskCatalog.TryFind(path, out var task);
        _configured.TryGetValue(path, out var options);
        var values = new int[TaskOption.All.Count];
        foreach (var option in TaskOption.All)
        {
            var fromAttribute = task?.Get(option) ?? option.Unset;
            values[option.Index] = options is not null && options.TryGetValue(option.ConfigKey, out var value) ? value.GetInt32()
                : fromAttribute != option.Unset ? fromAttribute
                : _settings.GetTaskDefault(option);
        }

        return new TaskPolicy(values, options is not null && options.TryGetValue(QueueKey, out var queue) ? queue.GetString() : null);
    }
}
