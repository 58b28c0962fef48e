using Mrq;

namespace ConsumerTasks;

/// <summary>The tutorial's task: the square of its param.</summary>
[MrqTask(Path = "consumer.Square", Queue = "square")]
public sealed class Square
{
    /// <summary>Returns <paramref name="n"/> squared.</summary>
    public int Run(int n) => n * n;
}
