namespace Mrq;

/// <summary>The four kinds of raw queue, chosen by the queue name's suffix exactly as MRQ does.</summary>
/// <remarks>
/// Compiled into both the runtime (public) and the source generator (internal, MRQ_GENERATOR), so the generator's
/// compile-time checks and the runtime's brokers read queue names the same way.
/// </remarks>
#if MRQ_GENERATOR
internal
#else
public
#endif
enum RawQueueType
{
    /// <summary><c>_raw</c>: a list, first in first out, duplicates kept.</summary>
    List,

    /// <summary><c>_set</c>: unique members, dequeued in no particular order.</summary>
    Set,

    /// <summary><c>_sorted_set</c>: unique members, dequeued by ascending score; re-adding updates the score.</summary>
    SortedSet,

    /// <summary><c>_timed_set</c>: unique members scored by due time (unix seconds); only due members are dequeued.</summary>
    TimedSet,
}
