using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace Mrq.Infrastructure;

/// <summary>The process-wide table of raw queues, registered by generated module initializers.</summary>
// A thin facade over Catalog<T>, like TaskCatalog: generated code registers into each table by its own type name.
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RawQueueCatalog
{
    private static readonly Catalog<RawQueueDescriptor> s_queues = new(static queue => queue.Name);

    /// <summary>Adds raw queues to the table.</summary>
    public static void Register(params ReadOnlySpan<RawQueueDescriptor> queues) => s_queues.Register(queues);

    /// <summary>Finds a raw queue by its root name.</summary>
    public static bool TryFind(string name, [NotNullWhen(true)] out RawQueueDescriptor? queue) => s_queues.TryFind(name, out queue);

    /// <summary>Every registered raw queue.</summary>
    public static IReadOnlyCollection<RawQueueDescriptor> All => s_queues.All;
}
