using System.ComponentModel;

namespace Mrq.Infrastructure;

/// <summary>
/// A raw queue declared with <see cref="MrqRawQueueAttribute"/>: its job factory and options. Generated; not for
/// hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RawQueueDescriptor
{
    /// <summary>The raw queue's name (its root, without subqueue).</summary>
    public required string Name { get; init; }

    /// <summary>The factory method, for messages: <c>Namespace.Type.Method</c>.</summary>
    public required string FactoryName { get; init; }

    /// <summary>Builds the job for one raw param.</summary>
    public required RawJobFactory Factory { get; init; }

    /// <summary>The regular queue stored on the jobs, used for retries and requeues.</summary>
    public string RetryQueue { get; init; } = "default";

    private readonly IReadOnlyList<JobStatus> _statusesNoStorage = [];
    private int _noStorageMask;

    /// <summary>Statuses not stored for jobs that were never stored (MRQ's <c>statuses_no_storage</c>).</summary>
    public IReadOnlyList<JobStatus> StatusesNoStorage
    {
        get => _statusesNoStorage;
        init
        {
            _statusesNoStorage = value ?? [];
            _noStorageMask = 0;
            foreach (var status in _statusesNoStorage)
            {
                _noStorageMask |= 1 << (int)status;
            }
        }
    }

    /// <summary>Whether <paramref name="status"/> is one of <see cref="StatusesNoStorage"/> (checked per job, so a bit test).</summary>
    internal bool SkipsStorageOf(JobStatus status) => (_noStorageMask & (1 << (int)status)) != 0;

    /// <summary>Timed sets: seconds after which a dequeued member is due again (0: members are removed).</summary>
    public int PushbackSeconds { get; init; }

    /// <summary>Whether workers discover subqueues of this queue.</summary>
    public bool HasSubqueues { get; init; }
}
