namespace Mrq.Configuration;

/// <summary>The table of settings Mrq knows, with MRQ's names: the one place keys are declared (docs/configuration.md lists them, checked by ConfigKeyDocumentationTests).</summary>
internal static class ConfigKeys
{
    private const string LogsAlternatives = " (or \"1\" for the jobs database, \"0\" to store no logs)";

    public static readonly IReadOnlyList<ConfigKey> All =
    [
        ConfigKey.Text("config", (s, v) => s.ConfigFile = v, "c"),
        ConfigKey.Text("embedded_db", (s, v) => s.EmbeddedDb = v),
        ConfigKey.Text("mongodb_jobs", (s, v) => s.MongoDbJobs = StoreAdapters.ValidateJobStoreUri("mongodb_jobs", v), "mongodb"),
        ConfigKey.Text("mongodb_logs", (s, v) => s.MongoDbLogs = v is "0" or "1" ? v : StoreAdapters.ValidateJobStoreUri("mongodb_logs", v, LogsAlternatives)),
        ConfigKey.Switch("ensure_indexes", (s, v) => s.EnsureIndexes = v),
        ConfigKey.Text("redis", (s, v) => s.Redis = StoreAdapters.ValidateBrokerUri("redis", v)),
        ConfigKey.Validated("redis_prefix", "a key prefix without spaces", v => !v.Any(char.IsWhiteSpace), (s, v) => s.RedisPrefix = v),
        ConfigKey.Number("connect_timeout", 0, exclusive: true, (s, v) => s.ConnectTimeout = v),
        ConfigKey.List("queues", (s, v) => s.Queues = v),
        ConfigKey.Text("queue", (s, v) => s.Queue = v),
        ConfigKey.Int("greenlets", 1, (s, v) => s.Greenlets = v, "gevent", "g"),
        ConfigKey.Int("processes", 0, (s, v) => s.Processes = v, "p"),
        ConfigKey.Int("max_jobs", 0, (s, v) => s.MaxJobs = v),
        ConfigKey.Number("max_time", 0, exclusive: false, (s, v) => s.MaxTime = v),
        ConfigKey.Int("max_memory", 0, (s, v) => s.MaxMemory = v),
        ConfigKey.Number("subqueues_refresh_interval", 0, exclusive: false, (s, v) => s.SubqueuesRefreshInterval = v),
        ConfigKey.Switch("scheduler", (s, v) => s.Scheduler = v),
        ConfigKey.Number("scheduler_interval", 0, exclusive: false, (s, v) => s.SchedulerInterval = v),
        ConfigKey.Port("admin_port", 0, (s, v) => s.AdminPort = v),
        ConfigKey.Validated("admin_ip", "an IP address", v => System.Net.IPAddress.TryParse(v, out _), (s, v) => s.AdminIp = v),
        ConfigKey.Port("dashboard_port", 1, (s, v) => s.DashboardPort = v),
        ConfigKey.Validated("dashboard_ip", "an IP address", v => System.Net.IPAddress.TryParse(v, out _), (s, v) => s.DashboardIp = v),
        ConfigKey.Validated("dashboard_httpauth", "user:password", v => v.IndexOf(':', StringComparison.Ordinal) > 0, (s, v) => s.DashboardHttpAuth = v),
        ConfigKey.Switch("dashboard_readonly", (s, v) => s.DashboardReadOnly = v),
        ConfigKey.Number("paused_queues_refresh_interval", 0, exclusive: false, (s, v) => s.PausedQueuesRefreshInterval = v),
        ConfigKey.List("task_whitelist", (s, v) => s.TaskWhitelist = v),
        ConfigKey.List("task_blacklist", (s, v) => s.TaskBlacklist = v),
        ConfigKey.Number("report_interval", 0, exclusive: false, (s, v) => s.ReportInterval = v),
        ConfigKey.Choice("dequeue_strategy", ["sequential", "parallel", "burst"], (s, v) => s.DequeueStrategy = Enum.Parse<DequeueStrategy>(v, ignoreCase: true)),
        ConfigKey.Number("max_latency", 0, exclusive: true, (s, v) => s.MaxLatency = v),
        ConfigKey.Switch("pipeline_raw_dequeue", (s, v) => s.PipelineRawDequeue = v),
        ConfigKey.Text("name", (s, v) => s.Name = v),
        ConfigKey.Switch("quiet", (s, v) => s.Quiet = v),
        ConfigKey.Switch("trace_links_only", (s, v) => s.TraceLinksOnly = v),
        ConfigKey.Validated("otlp", "an http:// or https:// URL of an OTLP endpoint", v => Uri.TryCreate(v, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", (s, v) => s.Otlp = v),
        ConfigKey.Choice("log_level", ["DEBUG", "INFO", "WARNING", "ERROR"], (s, v) => s.LogLevel = v),
        .. TaskOption.All
            .Where(static o => o.DefaultSetting is not null)
            .Select(static o => ConfigKey.Int(o.DefaultSetting!, o.DefaultMinimum, (s, v) => s.SetTaskDefault(o, v))),
    ];

    /// <summary>
    /// The config-file keys that hold a JSON section rather than one setting (kept in <see cref="MrqSettings.Extra"/> and
    /// read by their own parsers). Any other key that is not a setting stops the program.
    /// </summary>
    public static readonly IReadOnlyList<string> Sections = ["TASKS", "QUEUES_CONFIG", "SCHEDULER_TASKS"];

    private static readonly Dictionary<string, ConfigKey> s_byName = BuildIndex();

    /// <summary>Every config-file key, upper case as the file spells them: settings, their aliases and the sections.</summary>
    public static IEnumerable<string> FileKeys =>
        All.Where(static k => k.Name != "config")
            .SelectMany(static k => k.Aliases.Where(static a => a.Length > 1).Prepend(k.Name))
            .Select(static n => n.ToUpperInvariant())
            .Concat(Sections);

    /// <summary>" (did you mean --X?)" for a misspelt flag name (without dashes), or empty.</summary>
    public static string FlagHint(string name) =>
        ClosestName.Find(name, All.SelectMany(static k => k.Aliases.Prepend(k.Name)).Where(static n => n.Length > 1)) is { } closest
            ? $" (did you mean --{closest}?)"
            : "";

    /// <summary>Finds a key by its name or one of its aliases (case-insensitive).</summary>
    public static ConfigKey? Find(string name) => s_byName.GetValueOrDefault(name);

    private static Dictionary<string, ConfigKey> BuildIndex()
    {
        var index = new Dictionary<string, ConfigKey>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in All)
        {
            index.Add(key.Name, key);
            foreach (var alias in key.Aliases)
            {
                index.Add(alias, key);
            }
        }

        return index;
    }
}
