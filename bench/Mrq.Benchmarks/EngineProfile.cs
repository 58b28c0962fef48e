using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Processing;
using Mrq.Storage;
using Mrq.Storage.Sqlite;

namespace Mrq.Benchmarks;

/// <summary>
/// <c>engine-profile [stored|nostorage] [JOBS] [GREENLETS]</c>: the worker engine alone. A queue source hands out jobs
/// made before the clock starts and "writes" outcomes by dropping them, so the CPU and allocations per job are the
/// engine's per-job path (claim hand-off, running-job bookkeeping, the task's invoke, outcome, wake-ups) and the
/// runtime's (thread pool, GC), with no store or broker. <c>stored</c> jobs post their outcome as a regular queue's
/// do; <c>nostorage</c> jobs are Redis-only raw jobs whose success is not stored. Each dequeue yields once to the thread
/// pool, as a real store or broker call returns on another thread.
/// </summary>
internal static class EngineProfile
{
    public static async Task<int> RunAsync(string[] args)
    {
        var kind = args.Length > 1 ? args[1] : "stored";
        var jobs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;
        var greenlets = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 50;
        var stored = kind != "nostorage";

        var descriptor = new RawQueueDescriptor
        {
            Name = "square_nostorage_raw",
            FactoryName = "bench",
            Factory = static raw => Tasks.Square.Job(n: int.Parse(raw, CultureInfo.InvariantCulture)),
            StatusesNoStorage = [JobStatus.Started, JobStatus.Success],
        };
        var request = Tasks.Square.Job(n: 42);
        var now = DateTime.UtcNow;
        var claimed = new ClaimedJob[jobs];
        for (var i = 0; i < jobs; i++)
        {
            claimed[i] = stored
                ? new ClaimedJob(JobId.NewId(now), request.Path, "square", request.Params, 0, now, now)
                : new ClaimedJob(JobId.NewId(now), request.Path, descriptor.RetryQueue, request.Params, 0, now, now, descriptor.Name, descriptor, Stored: false);
        }

        var directory = Directory.CreateTempSubdirectory("mrq-engine-profile-").FullName;
        try
        {
            // The engine reports the worker and requeues lost jobs on its store; the drain never touches it otherwise.
            await using var store = SqliteJobStore.Open(Path.Combine(directory, "mrq.db"));
            await using var services = new ServiceCollection().BuildServiceProvider();
            var source = new ArraySource(claimed);
            var settings = new MrqSettings { Greenlets = greenlets, DequeueStrategy = DequeueStrategy.Burst, Queues = [source.Name] };
            var engine = new WorkerEngine(settings, store, [source], services, NullLogger.Instance);

            var process = Process.GetCurrentProcess();
            var switches0 = ContextSwitches();
            var cpu0 = process.TotalProcessorTime;
            var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
            var gc0 = GC.CollectionCount(0);
            var items0 = ThreadPool.CompletedWorkItemCount;
            var summary = await engine.RunAsync(CancellationToken.None, CancellationToken.None);
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpu0;
            var alloc = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
            var switches = ContextSwitches() - switches0;
            var done = (double)summary.DoneJobs;

            var o = Console.Out;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"engine-profile {kind}: {jobs:N0} jobs, --greenlets {greenlets}, {Environment.ProcessorCount} cores"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  drain: {summary}"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  process CPU {cpu.TotalMilliseconds:F0} ms = {cpu.TotalMilliseconds / summary.Elapsed.TotalMilliseconds:F2} cores busy; {cpu.TotalMilliseconds * 1000 / done:F2} µs CPU/job"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  allocated {alloc / done:F0} B/job; gen0 GCs {GC.CollectionCount(0) - gc0}; thread-pool items {(ThreadPool.CompletedWorkItemCount - items0) / done:F3}/job; context switches {switches / done:F3}/job"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  dequeue calls {source.Calls:N0} ({done / Math.Max(1, source.Calls):F1} jobs each)"));
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Voluntary and involuntary context switches of the process's live threads (Linux; 0 elsewhere).</summary>
    private static long ContextSwitches()
    {
        long total = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
        }
        catch (IOException)
        {
            // A thread ended while being read, or no /proc.
        }

        return total;
    }

    private sealed class ArraySource(ClaimedJob[] jobs) : QueueSource
    {
        private int _next;

        public override string Name => "square";

        public long Calls { get; private set; }

        public override async ValueTask<int> DequeueAsync(int max, IClaimRecount? recount, string workerId, List<ClaimedJob> into, OutcomeBatch outcomes, CancellationToken cancellationToken)
        {
            await Task.Yield();
            Calls++;
            outcomes.MarkWritten();
            var count = Math.Min(max, jobs.Length - _next);
            for (var i = 0; i < count; i++)
            {
                into.Add(jobs[_next++]);
            }

            return count;
        }
    }
}
