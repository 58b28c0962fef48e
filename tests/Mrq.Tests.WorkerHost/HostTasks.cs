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
/// Creates a new empty file named after its job id in <c>directory</c> when it starts, then waits <c>ms</c>
/// milliseconds: the files tell how many times each job started, across processes (one file per run, so concurrent
/// runs never overwrite each other's record).
/// </summary>
[MrqTask(Path = "host.Mark")]
public sealed class Mark
{
    public async Task<int> RunAsync(JobContext context, string directory, int ms, CancellationToken cancellationToken)
    {
        await File.WriteAllBytesAsync(Path.Combine(directory, $"{context.Id}.{Guid.NewGuid():N}"), [], cancellationToken);
        if (ms > 0)
        {
            await Task.Delay(ms, cancellationToken);
        }

        return 1;
    }
}

/// <summary>
/// Keeps <c>mb</c> more megabytes alive for the life of the process, then holds its slot <c>ms</c> milliseconds
/// (MRQ's Leak task, for max_memory).
/// </summary>
[MrqTask(Path = "host.Leak")]
public sealed class Leak
{
    private static readonly List<byte[]> s_kept = [];

    public async Task<int> RunAsync(int mb, int ms)
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

        await Task.Delay(ms);
        return mb;
    }
}

/// <summary>
/// Blocks its thread (synchronously) until <c>parties</c> jobs of the same <c>meeting</c> run at once in this process,
/// or 60 s pass: it succeeds only if the worker runs that many blocking jobs side by side.
/// </summary>
[MrqTask(Path = "host.Rendezvous")]
public sealed class Rendezvous
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CountdownEvent> s_meetings = new();

    public int Run(string meeting, int parties)
    {
        var countdown = s_meetings.GetOrAdd(meeting, _ => new CountdownEvent(parties));
        countdown.Signal();
        return countdown.Wait(TimeSpan.FromSeconds(60))
            ? parties
            : throw new TimeoutException($"only {parties - countdown.CurrentCount} of {parties} jobs ran at once");
    }
}
