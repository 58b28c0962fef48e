namespace Mrq.Storage;

/// <summary>The four kinds of raw queue, chosen by the queue name's suffix exactly as MRQ does.</summary>
public enum RawQueueType
{
    /// <summary><c>_raw</c>: a list, FIFO, duplicates kept.</summary>
    List,
    /// <summary><c>_set</c>: a set, duplicates dropped, no order.</summary>
    Set,
    /// <summary><c>_sorted_set</c>: ascending score, re-adding updates the score.</summary>
    SortedSet,
    /// <summary><c>_timed_set</c>: scored by due time (unix seconds); only due members are dequeued.</summary>
    TimedSet,
}
