using Mrq;

namespace QueuePerformance;

/// <summary>The tutorial's task: squares an integer.</summary>
[MrqTask(Path = "tasks.Square", Queue = "square")]
public sealed class Square
{
    public int Run(int n) => n * n;
}

/// <summary>MRQ's example CPU-bound task: burns CPU for <c>n</c> iterations.</summary>
[MrqTask(Path = "tasks.CPU")]
public sealed class Cpu
{
    public long Run(int n)
    {
        long acc = 0;
        for (var i = 0; i < n; i++)
        {
            acc += i % 7;
        }

        return acc;
    }
}

/// <summary>MRQ's example I/O-bound task: waits <c>ms</c> milliseconds without holding a thread.</summary>
[MrqTask(Path = "tasks.IO")]
public sealed class Io
{
    public async Task<int> RunAsync(int ms, CancellationToken cancellationToken)
    {
        await Task.Delay(ms, cancellationToken);
        return ms;
    }
}
