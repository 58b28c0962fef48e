using Mrq;

namespace Mrq.Tests.WorkerHost;

/// <summary>Waits <c>ms</c> milliseconds, observing cancellation (a forced stop), and returns <c>ms</c>.</summary>
[MrqTask(Path = "host.Sleep")]
public sealed class Sleep
{
    public async Task<int> RunAsync(int ms, CancellationToken cancellationToken)
    {
        await Task.Delay(ms, cancellationToken);
        return ms;
    }
}

/// <summary>
/// Appends its job id to <c>file</c> when it starts, then waits <c>ms</c> milliseconds: the file tells how many times
/// each job started, across processes (one short append per run, atomic with O_APPEND).
/// </summary>
[MrqTask(Path = "host.Mark")]
public sealed class Mark
{
    public async Task<int> RunAsync(JobContext context, string file, int ms, CancellationToken cancellationToken)
    {
        await File.AppendAllTextAsync(file, context.Id + "\n", cancellationToken);
        if (ms > 0)
        {
            await Task.Delay(ms, cancellationToken);
        }

        return 1;
    }
}

/// <summary>Keeps <c>mb</c> more megabytes alive for the life of the process (MRQ's Leak task, for max_memory).</summary>
[MrqTask(Path = "host.Leak")]
public sealed class Leak
{
    private static readonly List<byte[]> s_kept = [];

    public int Run(int mb)
    {
        var block = new byte[mb * 1024 * 1024];

        // Touch every page so the memory is resident, not just reserved.
        for (var i = 0; i < block.Length; i += 4096)
        {
            block[i] = 1;
        }

        lock (s_kept)
        {
            s_kept.Add(block);
        }

        return mb;
    }
}
