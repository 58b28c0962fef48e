using System.Collections.Concurrent;
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
    private static readonly string[] s_keys = ["timeout", "max_retries", "retry_delay", "result_ttl", "abort_ttl", "cancel_ttl", "default_ttl", "max_concurrency", "queue"];

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
        var raw = settings.Extra.FirstOrDefault(e => string.Equals(e.Key, "TASKS", StringComparison.OrdinalIgnoreCase)).Value;
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

                    var valid = key == "queue"
                        ? option.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(option.Value.GetString())
                        : option.Value.ValueKind == JsonValueKind.Number && option.Value.TryGetInt32(out var number) && number >= (key is "timeout" ? 1 : 0);
                    if (!valid)
                    {
                        throw new MrqConfigurationException($"{where}: expected {(key == "queue" ? "a queue name" : key == "timeout" ? "an integer of at least 1" : "an integer of at least 0")}, got {option.Value.GetRawText()}.");
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
        int Pick(string key, int fromAttribute, bool attributeSet, int fallback) =>
            options is not null && options.TryGetValue(key, out var value) ? value.GetInt32() : attributeSet ? fromAttribute : fallback;

        return new TaskPolicy(
            Timeout: Pick("timeout", task?.Timeout ?? 0, task?.Timeout > 0, _settings.DefaultJobTimeout),
            MaxRetries: Pick("max_retries", task?.MaxRetries ?? -1, task?.MaxRetries >= 0, _settings.DefaultJobMaxRetries),
            RetryDelay: Pick("retry_delay", task?.RetryDelay ?? -1, task?.RetryDelay >= 0, _settings.DefaultJobRetryDelay),
            ResultTtl: Pick("result_ttl", task?.ResultTtl ?? 0, task?.ResultTtl > 0, _settings.DefaultJobResultTtl),
            AbortTtl: Pick("abort_ttl", task?.AbortTtl ?? 0, task?.AbortTtl > 0, _settings.DefaultJobAbortTtl),
            CancelTtl: Pick("cancel_ttl", task?.CancelTtl ?? 0, task?.CancelTtl > 0, _settings.DefaultJobCancelTtl),
            DefaultTtl: Pick("default_ttl", task?.DefaultTtl ?? 0, task?.DefaultTtl > 0, _settings.DefaultJobTtl),
            MaxConcurrency: Pick("max_concurrency", task?.MaxConcurrency ?? 0, task?.MaxConcurrency > 0, 0),
            Queue: options is not null && options.TryGetValue("queue", out var queue) ? queue.GetString() : null);
    }
}
