namespace Mrq.Benchmarks;

/// <summary>The tutorial's no-op task: squares an integer.</summary>
[MrqTask(Path = "bench.Square", Queue = "square")]
public sealed class Square
{
    public int Run(int n) => n * n;
}
