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

    /// <summary>The registration (dispatch table) model.</summary>
    public const string Catalog = nameof(Catalog);

    /// <summary>The serializers model.</summary>
    public const string Serializers = nameof(Serializers);
}
