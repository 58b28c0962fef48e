namespace Mrq.Generators;

/// <summary>The names of the tracked pipeline steps of <see cref="TaskGenerator"/>, for incremental-generator tests.</summary>
internal static class TrackingNames
{
    /// <summary>Each <c>[MrqTask]</c> class parsed into a <c>TaskSpec</c> (null when invalid).</summary>
    public const string Tasks = nameof(Tasks);

    /// <summary>The valid tasks only.</summary>
    public const string ValidTasks = nameof(ValidTasks);

    /// <summary>All valid tasks of the compilation, collected.</summary>
    public const string AllTasks = nameof(AllTasks);

    /// <summary>The façade classes claimed by more than one valid task.</summary>
    public const string TaskConflicts = nameof(TaskConflicts);

    /// <summary>The valid tasks without façade conflicts, one by one: the input of their façades and invokers.</summary>
    public const string UniqueTasks = nameof(UniqueTasks);

    /// <summary>Each <c>[MrqRawQueue]</c> method parsed into a <c>RawQueueSpec</c> (null when invalid).</summary>
    public const string RawQueues = nameof(RawQueues);

    /// <summary>The valid raw queues only.</summary>
    public const string ValidRawQueues = nameof(ValidRawQueues);

    /// <summary>All valid raw queues of the compilation, collected.</summary>
    public const string AllRawQueues = nameof(AllRawQueues);

    /// <summary>The raw queue names and generated classes claimed by more than one valid raw queue.</summary>
    public const string RawQueueConflicts = nameof(RawQueueConflicts);

    /// <summary>The valid raw queues without name or class conflicts, one by one: the input of their enqueue API.</summary>
    public const string UniqueRawQueues = nameof(UniqueRawQueues);

    /// <summary>The registration (dispatch table) model of tasks and raw queues.</summary>
    public const string Catalog = nameof(Catalog);

    /// <summary>The per-assembly <c>AddMrqTasksFrom&lt;Assembly&gt;()</c> model.</summary>
    public const string ServiceRegistration = nameof(ServiceRegistration);

    /// <summary>The registration types of the adapter packages the compilation references.</summary>
    public const string Adapters = nameof(Adapters);

    /// <summary>The serializers model.</summary>
    public const string Serializers = nameof(Serializers);
}
