namespace Mrq.Configuration;

/// <summary>How a worker spreads its free slots over its queues (MRQ's <c>--dequeue_strategy</c>).</summary>
public enum DequeueStrategy
{
    /// <summary>Queues in command-line order; a higher queue is drained before lower ones get slots.</summary>
    Sequential,
    /// <summary>Free slots split evenly over the queues, the starting queue rotating each pass.</summary>
    Parallel,
    /// <summary>Sequential, but the worker exits as soon as a pass finds no job.</summary>
    Burst,
}
