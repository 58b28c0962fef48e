namespace Mrq;

/// <summary>
/// A job ready to be enqueued: the task path, its params already serialized (a MessagePack map of param name to value)
/// and the queue. Made by the generated <c>Tasks.&lt;Name&gt;.Job(...)</c> methods and by raw-queue job factories.
/// </summary>
public readonly struct JobRequest
{
    /// <summary>Creates a request. Prefer the generated <c>Tasks.&lt;Name&gt;.Job(...)</c>, which serializes params for you.</summary>
    public JobRequest(string path, ReadOnlyMemory<byte> parameters, string queue)
        : this(path, parameters, queue, queueNamed: false)
    {
    }

    private JobRequest(string path, ReadOnlyMemory<byte> parameters, string queue, bool queueNamed)
    {
        QueueNamed = queueNamed;
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(queue);
        Path = path;
        Params = parameters;
        Queue = queue;
    }

    /// <summary>The task path, for example <c>tasks.Square</c>.</summary>
    public string Path { get; }

    /// <summary>The params as a MessagePack map of param name to value.</summary>
    public ReadOnlyMemory<byte> Params { get; }

    /// <summary>The queue the job goes to: the task's default queue unless <see cref="OnQueue"/> changed it.</summary>
    public string Queue { get; }

    /// <summary>The same job on another queue.</summary>
    public JobRequest OnQueue(string queue) => new(Path, Params, queue, queueNamed: true);

    /// <summary>Whether the queue was named with <see cref="OnQueue"/>; otherwise the config's <c>TASKS</c> queue may replace it.</summary>
    internal bool QueueNamed { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Path} on {Queue}";
}
