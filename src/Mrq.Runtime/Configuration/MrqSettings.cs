namespace Mrq.Configuration;

/// <summary>
/// Every setting Mrq reads, with MRQ's names and defaults. Built by <see cref="ConfigurationLoader"/> from, in rising
/// precedence: defaults, the config file (<c>mrq-config.json</c>), <c>MRQ_*</c> environment variables, command-line flags.
/// </summary>
public sealed class MrqSettings
{
    // The default_job_* settings, by TaskOption.Index: an option's default is declared once, in its TaskOption row.
    private readonly int[] _taskDefaults = [.. TaskOption.All.Select(static o => o.DefaultValue)];

    /// <summary>The config file that was read, if any.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>The embedded store's SQLite file (<c>--embedded_db</c>), used when no MongoDB is configured.</summary>
    public string EmbeddedDb { get; set; } = "mrq.db";

    /// <summary>
    /// MongoDB URI of the jobs database (<c>--mongodb_jobs</c>, alias <c>--mongodb</c>); when set, jobs are kept there
    /// instead of the embedded file. Validated at load: a bad URI stops with a message naming the key (password masked).
    /// </summary>
    public string? MongoDbJobs { get; set; }

    /// <summary>Where job logs go with MongoDB (<c>--mongodb_logs</c>): "1" = the jobs database, "0" = not stored, or a MongoDB URI.</summary>
    public string MongoDbLogs { get; set; } = "1";

    /// <summary>Create MRQ's MongoDB indexes at start (<c>--ensure_indexes</c>).</summary>
    public bool EnsureIndexes { get; set; }

    /// <summary>Redis URI for raw queues (<c>--redis</c>); null keeps raw queues in the embedded file.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of Mrq's Redis keys (<c>--redis_prefix</c>).</summary>
    public string RedisPrefix { get; set; } = "mrq";

    /// <summary>
    /// Seconds to wait for a Redis or MongoDB server to answer (<c>--connect_timeout</c>): at start (then the command
    /// exits 1) and for each call while a server is away (then a client call throws
    /// <see cref="MrqStoreUnavailableException"/> and a worker backs off and retries).
    /// </summary>
    public double ConnectTimeout { get; set; } = 5.0;

    /// <summary>Queues a worker listens to, in priority order.</summary>
    public IReadOnlyList<string> Queues { get; set; } = ["default"];

    /// <summary>The queue the <c>run</c> command enqueues on instead of running the task in-process (<c>--queue</c>).</summary>
    public string? Queue { get; set; }

    /// <summary>Jobs a worker runs at once (MRQ's greenlets).</summary>
    public int Greenlets { get; set; } = 1;

    /// <summary>Worker processes to supervise; 0 runs the worker in this process.</summary>
    public int Processes { get; set; }

    /// <summary>Stop after this many jobs (0: no limit).</summary>
    public int MaxJobs { get; set; }

    /// <summary>
    /// In a host only (<c>"StopHostWhenWorkersEnd"</c> in the <c>"Mrq"</c> section): once every hosted worker has ended
    /// by itself (burst with its queues empty, <c>max_jobs</c>, <c>max_time</c>, <c>max_memory</c>), the host stops, as
    /// the command line's worker process exits. Off by default: a web app keeps serving after its worker ends.
    /// </summary>
    public bool StopHostWhenWorkersEnd { get; set; }

    /// <summary>Stop dequeuing after this many seconds (0: no limit).</summary>
    public double MaxTime { get; set; }

    /// <summary>Stop gracefully once the process uses more than this many megabytes (resident plus swapped; 0: no limit), checked at each report.</summary>
    public int MaxMemory { get; set; }

    /// <summary>Seconds between worker reports (<c>mrq_workers</c>); 0 reports only at start and stop.</summary>
    public double ReportInterval { get; set; } = 10;

    /// <summary>Only these task paths are run from regular queues (<c>--task_whitelist a,b</c>); other jobs stay queued.</summary>
    public IReadOnlyList<string>? TaskWhitelist { get; set; }

    /// <summary>These task paths are not run from regular queues (<c>--task_blacklist a,b</c>); ignored with a whitelist.</summary>
    public IReadOnlyList<string>? TaskBlacklist { get; set; }

    /// <summary>Seconds between reloads of the paused queues (<c>--paused_queues_refresh_interval</c>); 0 ignores pauses.</summary>
    public double PausedQueuesRefreshInterval { get; set; } = 10;

    /// <summary>Port of the worker's admin HTTP endpoint (<c>--admin_port</c>; 0: none, and none with more than one process).</summary>
    public int AdminPort { get; set; }

    /// <summary>Address the admin endpoint binds to (<c>--admin_ip</c>): loopback unless you open it on purpose.</summary>
    public string AdminIp { get; set; } = "127.0.0.1";

    /// <summary>Port of the standalone dashboard (<c>--dashboard_port</c>, MRQ's 5555).</summary>
    public int DashboardPort { get; set; } = 5555;

    /// <summary>Address the standalone dashboard binds to (<c>--dashboard_ip</c>): loopback unless you open it on purpose (MRQ binds every address).</summary>
    public string DashboardIp { get; set; } = "127.0.0.1";

    /// <summary>HTTP Basic credentials <c>user:password</c> the dashboard requires (<c>--dashboard_httpauth</c>); none when null.</summary>
    public string? DashboardHttpAuth { get; set; }

    /// <summary>Serve the dashboard without its actions (<c>--dashboard_readonly</c>).</summary>
    public bool DashboardReadOnly { get; set; }

    /// <summary>Seconds between lookups of the subqueues of a <c>x/</c> listen name (<c>--subqueues_refresh_interval</c>; 0: only at start).</summary>
    public double SubqueuesRefreshInterval { get; set; } = 60;

    /// <summary>Run the scheduler in this worker (<c>--scheduler</c>): enqueue the config's <c>SCHEDULER_TASKS</c> when due.</summary>
    public bool Scheduler { get; set; }

    /// <summary>Seconds between scheduler checks (<c>--scheduler_interval</c>; 0 disables the scheduler).</summary>
    public double SchedulerInterval { get; set; } = 60;

    /// <summary>How the worker spreads free slots over queues.</summary>
    public DequeueStrategy DequeueStrategy { get; set; } = DequeueStrategy.Sequential;

    /// <summary>Seconds an idle worker waits before polling its queues again.</summary>
    public double MaxLatency { get; set; } = 1.0;

    /// <summary>
    /// Raw queues that store their jobs as <c>started</c> pop their next batch from the broker while the current
    /// batch's transaction commits (<c>--pipeline_raw_dequeue</c>), hiding the broker's round trip. Off by default: a
    /// worker that dies may then lose two popped batches instead of one (docs/queues.md, "Safety").
    /// </summary>
    public bool PipelineRawDequeue { get; set; }

    /// <summary>The worker's display name; defaults to <c>host.pid</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Don't print task logs.</summary>
    public bool Quiet { get; set; }

    /// <summary>
    /// A job's <c>process</c> span starts a new trace linked to its enqueue, instead of continuing the enqueuer's trace
    /// as its child (docs/observability.md).
    /// </summary>
    public bool TraceLinksOnly { get; set; }

    /// <summary>
    /// An OTLP endpoint (<c>http://host:4318</c> for OTLP/HTTP, <c>http://host:4317</c> for gRPC) that commands export
    /// their traces and metrics to; the standard <c>OTEL_EXPORTER_OTLP_*</c> variables do the same without it.
    /// </summary>
    public string? Otlp { get; set; }

    /// <summary>Minimum level of log lines: DEBUG, INFO, WARNING or ERROR.</summary>
    public string LogLevel { get; set; } = "INFO";

    /// <summary>Seconds a job may run when its task names no timeout.</summary>
    public int DefaultJobTimeout { get => GetTaskDefault(TaskOption.Timeout); set => SetTaskDefault(TaskOption.Timeout, value); }

    /// <summary>Retries a job gets when its task names no limit.</summary>
    public int DefaultJobMaxRetries { get => GetTaskDefault(TaskOption.MaxRetries); set => SetTaskDefault(TaskOption.MaxRetries, value); }

    /// <summary>Seconds between retries when the task names no delay.</summary>
    public int DefaultJobRetryDelay { get => GetTaskDefault(TaskOption.RetryDelay); set => SetTaskDefault(TaskOption.RetryDelay, value); }

    /// <summary>Whether a job whose task throws is retried when its task does not say (<c>default_job_retry_on_failure</c> 1 or 0).</summary>
    public bool DefaultJobRetryOnFailure { get => GetTaskDefault(TaskOption.RetryOnFailure) > 0; set => SetTaskDefault(TaskOption.RetryOnFailure, value ? 1 : 0); }

    /// <summary>Whether each retry waits twice as long as the one before when the task does not say (<c>default_job_retry_backoff</c> 1 or 0).</summary>
    public bool DefaultJobRetryBackoff { get => GetTaskDefault(TaskOption.RetryBackoff) > 0; set => SetTaskDefault(TaskOption.RetryBackoff, value ? 1 : 0); }

    /// <summary>Seconds a <c>success</c> job is kept.</summary>
    public int DefaultJobResultTtl { get => GetTaskDefault(TaskOption.ResultTtl); set => SetTaskDefault(TaskOption.ResultTtl, value); }

    /// <summary>Seconds an <c>abort</c> job is kept.</summary>
    public int DefaultJobAbortTtl { get => GetTaskDefault(TaskOption.AbortTtl); set => SetTaskDefault(TaskOption.AbortTtl, value); }

    /// <summary>Seconds a <c>cancel</c> job is kept.</summary>
    public int DefaultJobCancelTtl { get => GetTaskDefault(TaskOption.CancelTtl); set => SetTaskDefault(TaskOption.CancelTtl, value); }

    /// <summary>Seconds a job in another final status is kept.</summary>
    public int DefaultJobTtl { get => GetTaskDefault(TaskOption.DefaultTtl); set => SetTaskDefault(TaskOption.DefaultTtl, value); }

    /// <summary>The default of <paramref name="option"/> for tasks that do not name it.</summary>
    internal int GetTaskDefault(TaskOption option) => _taskDefaults[option.Index];

    /// <summary>Sets the default of <paramref name="option"/>, from its <see cref="TaskOption.DefaultSetting"/>.</summary>
    internal void SetTaskDefault(TaskOption option, int value) => _taskDefaults[option.Index] = value;

    /// <summary>The config file's JSON sections (<c>TASKS</c>, <c>QUEUES_CONFIG</c>, <c>SCHEDULER_TASKS</c>) as raw JSON, by key.</summary>
    public IDictionary<string, string> Extra { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The raw JSON of the section <paramref name="key"/> of <see cref="Extra"/>, whatever the case it was given in; null when absent.</summary>
    internal string? GetSection(string key) => Extra.FirstOrDefault(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Replaces the section <paramref name="key"/> (given in any case) with <paramref name="json"/>, under that spelling.</summary>
    internal void SetSection(string key, string json)
    {
        var existing = Extra.Keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
        if (existing is not null)
        {
            Extra.Remove(existing);
        }

        Extra[key] = json;
    }

    /// <summary>
    /// Values from an <c>IConfiguration</c> section or from code (<c>AddMrq</c>) that could not be used, one message
    /// each; the options validator reports them when the host starts, instead of the first one stopping the binding.
    /// </summary>
    internal List<string> ConfigurationErrors { get; } = [];
}
