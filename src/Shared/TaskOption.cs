using System.Collections.Generic;
using System.Globalization;

namespace Mrq;

/// <summary>
/// One numeric option of a task: a property of <c>MrqTaskAttribute</c>, a key of the config file's <c>TASKS</c> entries,
/// and, for most, a <c>default_job_*</c> setting that applies when neither names it.
/// </summary>
/// <remarks>
/// <see cref="All"/> is the one place an option is declared. It is compiled into the source generator, which validates
/// the attribute's values with it (MRQ006) and emits the ones that are set into the task's catalog entry by
/// <see cref="ConfigKey"/>, and into the runtime, whose task policies, config keys and settings read the same rows.
/// Adding an option means adding a row here and its property to the attribute; the code that acts on it reads it from
/// the task's policy. The task's <c>Queue</c> is not in the table: it is a queue name with rules of its own (MRQ008,
/// MRQ009) that the generated façade carries as its <c>DefaultQueue</c>.
/// </remarks>
internal sealed class TaskOption
{
    /// <summary>The longest TTL accepted: 10 years of 365 days, in seconds.</summary>
    /// <remarks>Longer ones are typos (milliseconds, or one zero too many), and the store's expiry dates would overflow long before int does.</remarks>
    public const int MaxTtlSeconds = 10 * 365 * 24 * 60 * 60;

    private const string ConfiguredDefault = "-1 (the configured default) or a number ≥ 0";

    private static readonly string s_ttlRequirement =
        "0 (the configured default) or a number of seconds up to " + MaxTtlSeconds.ToString(CultureInfo.InvariantCulture) + " (10 years)";

    /// <summary>Seconds a job may run before it ends <c>timeout</c>.</summary>
    public static readonly TaskOption Timeout = new(
        "Timeout", "timeout", unset: 0, minimum: 1, maximum: int.MaxValue, "a positive number of seconds", "; omit it to use the configured default",
        defaultSetting: "default_job_timeout", defaultValue: 3600, defaultMinimum: 1, configMinimum: 1);

    /// <summary>Retries before a job ends <c>maxretries</c>.</summary>
    public static readonly TaskOption MaxRetries = new(
        "MaxRetries", "max_retries", unset: -1, minimum: -1, maximum: int.MaxValue, ConfiguredDefault, string.Empty,
        defaultSetting: "default_job_max_retries", defaultValue: 3, defaultMinimum: 0, configMinimum: 0);

    /// <summary>Seconds before a retried job runs again.</summary>
    public static readonly TaskOption RetryDelay = new(
        "RetryDelay", "retry_delay", unset: -1, minimum: -1, maximum: int.MaxValue, ConfiguredDefault, string.Empty,
        defaultSetting: "default_job_retry_delay", defaultValue: 3, defaultMinimum: 0, configMinimum: 0);

    /// <summary>Seconds a <c>success</c> job is kept.</summary>
    public static readonly TaskOption ResultTtl = new(
        "ResultTtl", "result_ttl", unset: 0, minimum: 0, maximum: MaxTtlSeconds, s_ttlRequirement, string.Empty,
        defaultSetting: "default_job_result_ttl", defaultValue: 7 * 24 * 3600, defaultMinimum: 1, configMinimum: 0);

    /// <summary>Seconds an <c>abort</c> job is kept.</summary>
    public static readonly TaskOption AbortTtl = new(
        "AbortTtl", "abort_ttl", unset: 0, minimum: 0, maximum: MaxTtlSeconds, s_ttlRequirement, string.Empty,
        defaultSetting: "default_job_abort_ttl", defaultValue: 24 * 3600, defaultMinimum: 1, configMinimum: 0);

    /// <summary>Seconds a <c>cancel</c> job is kept.</summary>
    public static readonly TaskOption CancelTtl = new(
        "CancelTtl", "cancel_ttl", unset: 0, minimum: 0, maximum: MaxTtlSeconds, s_ttlRequirement, string.Empty,
        defaultSetting: "default_job_cancel_ttl", defaultValue: 24 * 3600, defaultMinimum: 1, configMinimum: 0);

    /// <summary>Seconds a job in any other final status is kept.</summary>
    public static readonly TaskOption DefaultTtl = new(
        "DefaultTtl", "default_ttl", unset: 0, minimum: 0, maximum: MaxTtlSeconds, s_ttlRequirement, string.Empty,
        defaultSetting: "default_job_ttl", defaultValue: 180 * 24 * 3600, defaultMinimum: 1, configMinimum: 0);

    /// <summary>Jobs of the task that may run at once across all workers; 0 is unlimited.</summary>
    public static readonly TaskOption MaxConcurrency = new(
        "MaxConcurrency", "max_concurrency", unset: 0, minimum: 0, maximum: int.MaxValue, "0 (unlimited) or a positive number", string.Empty,
        defaultSetting: null, defaultValue: 0, defaultMinimum: 0, configMinimum: 0);

    /// <summary>
    /// Whether a job whose task threw is retried (1) or fails (0), as the attribute's bool says (given: 1 or 0, not given:
    /// the configured default); a config file writes 0 or 1.
    /// </summary>
    public static readonly TaskOption RetryOnFailure = new(
        "RetryOnFailure", "retry_on_failure", unset: -1, minimum: -1, maximum: 1, "0 (off) or 1 (on)", string.Empty,
        defaultSetting: "default_job_retry_on_failure", defaultValue: 0, defaultMinimum: 0, configMinimum: 0);

    /// <summary>
    /// Whether each retry waits twice as long as the one before (1) or always <see cref="RetryDelay"/> (0, MRQ's), as the
    /// attribute's bool says; a config file writes 0 or 1.
    /// </summary>
    public static readonly TaskOption RetryBackoff = new(
        "RetryBackoff", "retry_backoff", unset: -1, minimum: -1, maximum: 1, "0 (off) or 1 (on)", string.Empty,
        defaultSetting: "default_job_retry_backoff", defaultValue: 0, defaultMinimum: 0, configMinimum: 0);

    /// <summary>Every option, in the order of their <see cref="Index"/>, the generated catalog and the config keys.</summary>
    public static readonly IReadOnlyList<TaskOption> All =
        Numbered(Timeout, MaxRetries, RetryDelay, ResultTtl, AbortTtl, CancelTtl, DefaultTtl, MaxConcurrency, RetryOnFailure, RetryBackoff);

    private readonly string _requirement;
    private readonly string _advice;

    private TaskOption(
        string attributeName,
        string configKey,
        int unset,
        int minimum,
        int maximum,
        string requirement,
        string advice,
        string? defaultSetting,
        int defaultValue,
        int defaultMinimum,
        int configMinimum)
    {
        AttributeName = attributeName;
        ConfigKey = configKey;
        Unset = unset;
        Minimum = minimum;
        Maximum = maximum;
        _requirement = requirement;
        _advice = advice;
        DefaultSetting = defaultSetting;
        DefaultValue = defaultValue;
        DefaultMinimum = defaultMinimum;
        ConfigMinimum = configMinimum;
    }

    /// <summary>The option's position in <see cref="All"/>, for per-task arrays of values.</summary>
    public int Index { get; private set; }

    /// <summary>The property of <c>MrqTaskAttribute</c>: <c>Timeout</c>.</summary>
    public string AttributeName { get; }

    /// <summary>The key in a config file's <c>TASKS</c> entry and in the generated catalog entry: <c>timeout</c>.</summary>
    public string ConfigKey { get; }

    /// <summary>The attribute's value when the option is not given: the configured default (or, without one, <see cref="DefaultValue"/>) applies.</summary>
    public int Unset { get; }

    /// <summary>The smallest value the attribute accepts (MRQ006 below it).</summary>
    public int Minimum { get; }

    /// <summary>The largest value the attribute accepts (MRQ006 above it).</summary>
    public int Maximum { get; }

    /// <summary>The setting that holds the default for tasks that do not name the option (<c>default_job_timeout</c>), or null when the default is fixed.</summary>
    public string? DefaultSetting { get; }

    /// <summary>The default when neither the task nor the config names the option: MRQ's.</summary>
    public int DefaultValue { get; }

    /// <summary>The smallest value <see cref="DefaultSetting"/> accepts.</summary>
    public int DefaultMinimum { get; }

    /// <summary>The smallest value a <c>TASKS</c> entry accepts for the option.</summary>
    public int ConfigMinimum { get; }

    /// <summary>Whether <paramref name="value"/>, given on the attribute, is one the runtime can use.</summary>
    public bool Accepts(int value) => value >= Minimum && value <= Maximum;

    /// <summary>What is wrong with <paramref name="value"/> on the attribute, for MRQ006.</summary>
    public string DescribeProblem(int value) =>
        AttributeName + " must be " + _requirement + ", not " + value.ToString(CultureInfo.InvariantCulture) + _advice;

    private static TaskOption[] Numbered(params TaskOption[] options)
    {
        for (var i = 0; i < options.Length; i++)
        {
            options[i].Index = i;
        }

        return options;
    }
}
