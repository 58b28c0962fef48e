namespace Mrq;

/// <summary>
/// A job ready to be enqueued: the task path, its params already serialized (a MessagePack map of param name to value)
/// and the queue. Made by the generated <c>Tasks.&lt;Name&gt;.Job(...)</c> methods and by raw-queue job factories.
/// </summary>
public readonly struct JobRequest
{
    /// <summary>Creates a request. Prefer the generated <c>Tasks.&lt;Name&gt;.Job(...)</c>, which serializes params for you.</summary>
    public JobRequest(string path, ReadOnlyMemory<byte> parameters, string queue)
        : this(path, parameters, queue, queueNamed: false, delay: null, dueAt: null)
    {
    }

    private JobRequest(string path, ReadOnlyMemory<byte> parameters, string queue, bool queueNamed, TimeSpan? delay, DateTimeOffset? dueAt)
    {
        QueueNamed = queueNamed;
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(queue);
        Path = path;
        Params = parameters;
        Queue = queue;
        Delay = delay;
        DueAt = dueAt;
    }

    /// <summary>The task path, for example <c>tasks.Square</c>.</summary>
    public string Path { get; }

    /// <summary>The params as a MessagePack map of param name to value.</summary>
    public ReadOnlyMemory<byte> Params { get; }

    /// <summary>The queue the job goes to: the task's default queue unless <see cref="OnQueue"/> changed it.</summary>
    public string Queue { get; }

    /// <summary>The same job on another queue.</summary>
    public JobRequest OnQueue(string queue) => new(Path, Params, queue, queueNamed: true, Delay, DueAt);

    /// <summary>
    /// The same job, run no sooner than <paramref name="delay"/> after it is enqueued (a zero or negative delay: at once).
    /// Until then it waits in status <c>retry</c>, as MRQ's retries with a delay do; a running worker queues it within
    /// about a second of its date. Raw-queue job factories run their jobs at once and ignore it.
    /// </summary>
    public JobRequest DelayBy(TimeSpan delay) => new(Path, Params, Queue, QueueNamed, delay, dueAt: null);

    /// <summary>The same job, run no sooner than <paramref name="time"/> (a time already past: at once); see <see cref="DelayBy"/>.</summary>
    public JobRequest DelayUntil(DateTimeOffset time) => new(Path, Params, Queue, QueueNamed, delay: null, time);

    /// <summary>Whether the queue was named with <see cref="OnQueue"/>; otherwise the config's <c>TASKS</c> queue may replace it.</summary>
    internal bool QueueNamed { get; }

    /// <summary>Set by <see cref="DelayBy"/>: counted from the enqueue.</summary>
    internal TimeSpan? Delay { get; }

    /// <summary>Set by <see cref="DelayUntil"/>.</summary>
    internal DateTimeOffset? DueAt { get; }

    /// <summary>When a job enqueued at <paramref name="now"/> (UTC) may run: null for at once.</summary>
    internal DateTime? DueAfter(DateTime now)
    {
        var due = DueAt?.UtcDateTime ?? (Delay is { } delay ? (delay >= DateTime.MaxValue - now ? DateTime.MaxValue : now + delay) : null);
        return due > now ? due : null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Path} on {Queue}";
}
