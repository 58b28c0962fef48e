namespace Mrq;

/// <summary>
/// Declares a raw queue and its job factory. The marked method must be static, take the raw param (a string) and return
/// the <see cref="JobRequest"/> to run, usually made with a generated <c>Tasks.&lt;Name&gt;.Job(...)</c>:
/// <code>
/// [MrqRawQueue("square_raw")]
/// static JobRequest SquareRaw(string raw) => Tasks.Square.Job(n: int.Parse(raw));
/// </code>
/// The queue type comes from the name's suffix, as in MRQ: <c>_raw</c> (list, FIFO), <c>_set</c> (set, deduplicated),
/// <c>_sorted_set</c> (ascending score) and <c>_timed_set</c> (scored by due time; only due members run).
/// The generator adds <c>RawQueues.&lt;Method&gt;.Enqueue(...)</c> in the method's namespace and registers the queue.
/// </summary>
/// <remarks>
/// Checked at compile time (errors; the queue is not generated): the name and <see cref="RetryQueue"/> (MRQ008: no
/// whitespace, control characters, <c>*?[]{}</c>, and no <c>/</c> in the name), the suffix (MRQ010), unique names
/// (MRQ011), the method's shape (MRQ012: static, one <c>string</c> parameter, returns <see cref="JobRequest"/>),
/// a regular <see cref="RetryQueue"/> (MRQ013), <see cref="PushbackSeconds"/> (MRQ014),
/// <see cref="StatusesNoStorage"/> (MRQ015) and unique generated class names (MRQ016). See docs/diagnostics.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class MrqRawQueueAttribute : Attribute
{
    /// <summary>Declares the raw queue <paramref name="name"/>.</summary>
    public MrqRawQueueAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The raw queue's name, ending in <c>_raw</c>, <c>_set</c>, <c>_sorted_set</c> or <c>_timed_set</c>.</summary>
    public string Name { get; }

    /// <summary>The regular queue stored on the jobs, used for their retries and requeues. Defaults to <c>default</c>.</summary>
    public string RetryQueue { get; set; } = "default";

    /// <summary>
    /// Statuses that are not stored for jobs of this queue (MRQ's <c>statuses_no_storage</c>). With
    /// <c>[Started, Success]</c> nothing reaches the job store unless a job ends in another status, in which case its
    /// whole document is stored at that moment. <see cref="JobStatus.Queued"/>, <see cref="JobStatus.Retry"/> and
    /// <see cref="JobStatus.Interrupt"/> cannot be listed: their stored documents are how the job runs again (MRQ015).
    /// </summary>
#pragma warning disable CA1819 // Attribute arguments are arrays by nature.
    public JobStatus[]? StatusesNoStorage { get; set; }
#pragma warning restore CA1819

    /// <summary>
    /// Timed sets only: instead of removing a dequeued member, make it due again after this many seconds, so it runs
    /// again unless the task removes it (at-least-once). 0 removes members when dequeued. Must not be negative, nor
    /// positive on other queue types (MRQ014).
    /// </summary>
    public int PushbackSeconds { get; set; }

    /// <summary>Whether the queue has subqueues (<c>name/sub</c>) that workers listening on <c>name/</c> discover.</summary>
    public bool HasSubqueues { get; set; }
}
