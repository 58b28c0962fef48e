using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mrq.Tests.Hosting;

/// <summary>Jobs that hold until a test releases them; each test uses its own gate name, so parallel tests never mix.</summary>
internal static class HostingGates
{
    private static readonly ConcurrentDictionary<string, Gate> s_gates = new();

    public static Gate For(string name) => s_gates.GetOrAdd(name, static _ => new Gate());

    internal sealed class Gate
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public void Release() => _release.TrySetResult();

        public async Task WaitAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            await _release.Task.WaitAsync(cancellationToken);
        }
    }
}

[MrqTask(Path = "tests.hosting.Hold", Queue = "hosting")]
public sealed class HostingHold
{
    public async Task<int> RunAsync(string gate, int n, JobContext context)
    {
        context.Logger.LogInformation("holding {N}", n);
        await HostingGates.For(gate).WaitAsync(context.CancellationToken);
        return n;
    }
}

[MrqTask(Path = "tests.hosting.Square", Queue = "hosting")]
public sealed class HostingSquare
{
    public int Run(int n) => n * n;
}

/// <summary>A scoped service: one per job, disposed when the job ends.</summary>
public sealed class JobScopedProbe : IDisposable
{
    private static readonly ConcurrentDictionary<Guid, JobScopedProbe> s_all = new();

    public JobScopedProbe()
    {
        s_all[Id] = this;
    }

    public Guid Id { get; } = Guid.NewGuid();

    public bool Disposed { get; private set; }

    public static JobScopedProbe Find(Guid id) => s_all[id];

    public void Dispose() => Disposed = true;
}

[MrqTask(Path = "tests.hosting.Scoped", Queue = "hosting")]
public sealed class HostingScoped(JobScopedProbe probe, JobScopedProbe sameScope)
{
    /// <summary>The probe's id, and whether both constructor parameters got the same (scoped) instance.</summary>
    public string Run() => $"{probe.Id}|{ReferenceEquals(probe, sameScope)}";
}
