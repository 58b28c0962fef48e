using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Storage;
using Mrq.Storage.Redis;
using Mrq.Storage.Sqlite;
using Mrq.Worker;

namespace Mrq.Benchmarks;

/// <summary>
/// <c>profile QUEUE [JOBS] [GREENLETS]</c>: a stopwatch breakdown of one in-process drain. The worker engine runs
/// unchanged against the real stores wrapped in timers, and the report says how many store calls it made, how many
/// jobs each carried, how long they took, and what the process spent in CPU, allocations and thread-pool items.
/// </summary>
internal static class WorkerProfile
{
    public static async Task<int> RunAsync(string[] args)
    {
        var queue = args.Length > 1 ? args[1] : "square";
        var jobs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50_000;
        var greenlets = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : queue == "square_raw" ? 30 : 50;
        var raw = queue != "square";

        using var redis = raw ? BenchRedis.Start(out var why) ?? throw new InvalidOperationException(why) : null;
        var directory = Directory.CreateTempSubdirectory("mrq-profile-").FullName;
        try
        {
            await using var sqlite = SqliteJobStore.Open(Path.Combine(directory, "mrq.db"));
            var store = new TimedStore(sqlite);
            await using var redisBroker = raw ? await RedisQueueBroker.ConnectAsync(redis!.Uri, "mrqprofile" + Environment.ProcessId) : null;
            var broker = redisBroker is null ? null : new TimedBroker(redisBroker);
            await using var services = new ServiceCollection().BuildServiceProvider();

            var client = new StoreClient(sqlite, () => redisBroker!, ownsStores: false);
            var fill = Stopwatch.StartNew();
            if (raw)
            {
                await client.EnqueueRawAsync(queue, Enumerable.Repeat((RawParam)"42", jobs).ToArray());
            }
            else
            {
                var job = Tasks.Square.Job(n: 42).OnQueue(queue);
                await client.EnqueueManyAsync(Enumerable.Repeat(job, jobs).ToArray());
            }

            fill.Stop();

            var descriptor = new RawQueueDescriptor
            {
                Name = queue,
                FactoryName = "bench",
                Factory = static raw => Tasks.Square.Job(n: int.Parse(raw, CultureInfo.InvariantCulture)),
                StatusesNoStorage = queue == "square_nostorage_raw" ? [JobStatus.Started, JobStatus.Success] : [],
            };
            QueueSource source = raw
                ? new RawQueueSource(broker!, store, queue, descriptor, NullLogger.Instance)
                : new RegularQueueSource(store, queue);
            var settings = new MrqSettings { Greenlets = greenlets, DequeueStrategy = DequeueStrategy.Burst, Queues = [queue] };
            var engine = new WorkerEngine(settings, store, [source], services, NullLogger.Instance, () => broker!);

            var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
            var gc0 = GC.CollectionCount(0);
            var items0 = ThreadPool.CompletedWorkItemCount;
            var summary = await engine.RunAsync(CancellationToken.None, CancellationToken.None);
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpu0;
            var alloc = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
            var wall = summary.Elapsed.TotalMilliseconds;

            var o = Console.Out;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile {queue}: {jobs:N0} jobs, --greenlets {greenlets}, {Environment.ProcessorCount} cores"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fill: {fill.Elapsed.TotalMilliseconds:F0} ms ({jobs / fill.Elapsed.TotalSeconds:N0} jobs/s)"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  drain: {summary}"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  process CPU {cpu.TotalMilliseconds:F0} ms = {cpu.TotalMilliseconds / wall:F2} cores busy; {cpu.TotalMilliseconds * 1000 / summary.DoneJobs:F1} µs CPU/job"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  allocated {alloc / (double)summary.DoneJobs:F0} B/job; gen0 GCs {GC.CollectionCount(0) - gc0}; thread-pool items {(ThreadPool.CompletedWorkItemCount - items0) / (double)summary.DoneJobs:F2}/job"));
            o.WriteLine("  store/broker calls (time inside the call, µs; share of the drain's wall time):");
            foreach (var timer in store.Timers.Concat(broker?.Timers ?? []))
            {
                if (timer.Calls > 0)
                {
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    {timer.Name,-22} calls {timer.Calls,7:N0}  jobs/call {timer.Items / (double)timer.Calls,7:F1}  µs/call {timer.Micros / timer.Calls,8:F1}  µs/job {timer.Micros / Math.Max(1, timer.Items),6:F2}  {timer.Micros / 1000 / wall,6:P1}"));
                }
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    internal sealed class Timer(string name)
    {
        private long _calls;
        private long _items;
        private long _ticks;

        public string Name => name;

        public long Calls => Interlocked.Read(ref _calls);

        public long Items => Interlocked.Read(ref _items);

        public double Micros => Interlocked.Read(ref _ticks) * 1_000_000.0 / Stopwatch.Frequency;

        public void Add(long started, long items)
        {
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _items, items);
            Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - started);
        }
    }

    private sealed class TimedStore(IJobStore inner) : IJobStore
    {
        private readonly Timer _claim = new("ClaimAsync");
        private readonly Timer _complete = new("CompleteAsync");
        private readonly Timer _insert = new("InsertAsync (started)");
        private readonly Timer _lost = new("FindLostClaimsAsync");
        private readonly Timer _other = new("maintenance");

        public IEnumerable<Timer> Timers => [_claim, _complete, _insert, _lost, _other];

        public async ValueTask<int> ClaimAsync(string queue, int max, string workerId, List<ClaimedJob> into, CancellationToken cancellationToken = default)
        {
            var t = Stopwatch.GetTimestamp();
            var n = await inner.ClaimAsync(queue, max, workerId, into, cancellationToken).ConfigureAwait(false);
            _claim.Add(t, n);
            return n;
        }

        public async ValueTask CompleteAsync(ReadOnlyMemory<JobOutcome> outcomes, CancellationToken cancellationToken = default)
        {
            var t = Stopwatch.GetTimestamp();
            await inner.CompleteAsync(outcomes, cancellationToken).ConfigureAwait(false);
            _complete.Add(t, outcomes.Length);
        }

        public async ValueTask InsertAsync(ReadOnlyMemory<JobInfo> documents, CancellationToken cancellationToken = default)
        {
            var t = Stopwatch.GetTimestamp();
            await inner.InsertAsync(documents, cancellationToken).ConfigureAwait(false);
            _insert.Add(t, documents.Length);
        }

        public async ValueTask<IReadOnlyList<JobId>> FindLostClaimsAsync(IReadOnlyList<JobId> ids, string workerId, CancellationToken cancellationToken = default)
        {
            var t = Stopwatch.GetTimestamp();
            var lost = await inner.FindLostClaimsAsync(ids, workerId, cancellationToken).ConfigureAwait(false);
            _lost.Add(t, ids.Count);
            return lost;
        }

        public async ValueTask<long> RequeueDueRetriesAsync(DateTime now, CancellationToken cancellationToken = default)
        {
            var t = Stopwatch.GetTimestamp();
            var n = await inner.RequeueDueRetriesAsync(now, cancellationToken).ConfigureAwait(false);
            _other.Add(t, 0);
            return n;
        }

        public async ValueTask<long> PurgeExpiredAsync(DateTime now, CancellationToken cancellationToken = default)
        {
            var t = Stopwatch.GetTimestamp();
            var n = await inner.PurgeExpiredAsync(now, cancellationToken).ConfigureAwait(false);
            _other.Add(t, 0);
            return n;
        }

        public ValueTask EnqueueAsync(ReadOnlyMemory<NewJob> jobs, CancellationToken cancellationToken = default) => inner.EnqueueAsync(jobs, cancellationToken);

        public ValueTask<JobInfo?> GetAsync(JobId id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public ValueTask<long> CancelAsync(JobFilter filter, DateTime now, DateTime dateExpires, CancellationToken cancellationToken = default) => inner.CancelAsync(filter, now, dateExpires, cancellationToken);

        public ValueTask<long> RequeueAsync(JobFilter filter, string? destinationQueue, bool keepRetryCount, DateTime now, CancellationToken cancellationToken = default) => inner.RequeueAsync(filter, destinationQueue, keepRetryCount, now, cancellationToken);

        public ValueTask SetProgressAsync(JobId id, double progress, CancellationToken cancellationToken = default) => inner.SetProgressAsync(id, progress, cancellationToken);

        public ValueTask<string> GetLogsAsync(JobId id, CancellationToken cancellationToken = default) => inner.GetLogsAsync(id, cancellationToken);

        public ValueTask<long> CountAsync(string queue, JobStatus status, CancellationToken cancellationToken = default) => inner.CountAsync(queue, status, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class TimedBroker(IQueueBroker inner) : IQueueBroker
    {
        private readonly Timer _dequeue = new("broker DequeueAsync");

        public IEnumerable<Timer> Timers => [_dequeue];

        public async ValueTask<int> DequeueAsync(string queue, int max, DateTime now, double pushbackSeconds, List<string> into, CancellationToken cancellationToken = default)
        {
            var t = Stopwatch.GetTimestamp();
            var n = await inner.DequeueAsync(queue, max, now, pushbackSeconds, into, cancellationToken).ConfigureAwait(false);
            _dequeue.Add(t, n);
            return n;
        }

        public ValueTask EnqueueAsync(string queue, ReadOnlyMemory<RawItem> items, CancellationToken cancellationToken = default) => inner.EnqueueAsync(queue, items, cancellationToken);

        public ValueTask<long> RemoveAsync(string queue, IReadOnlyList<string> items, CancellationToken cancellationToken = default) => inner.RemoveAsync(queue, items, cancellationToken);

        public ValueTask<long> SizeAsync(string queue, CancellationToken cancellationToken = default) => inner.SizeAsync(queue, cancellationToken);

        public ValueTask<long> DueSizeAsync(string queue, DateTime now, CancellationToken cancellationToken = default) => inner.DueSizeAsync(queue, now, cancellationToken);

        public ValueTask<IReadOnlyList<RawItem>> ListAsync(string queue, int skip, int limit, CancellationToken cancellationToken = default) => inner.ListAsync(queue, skip, limit, cancellationToken);

        public ValueTask<IReadOnlyList<string>> KnownSubqueuesAsync(string root, CancellationToken cancellationToken = default) => inner.KnownSubqueuesAsync(root, cancellationToken);

        public ValueTask EmptyAsync(string queue, CancellationToken cancellationToken = default) => inner.EmptyAsync(queue, cancellationToken);

        public ValueTask<bool> TryAcquireSlotAsync(string name, string holder, int limit, DateTime now, DateTime expires, CancellationToken cancellationToken = default) => inner.TryAcquireSlotAsync(name, holder, limit, now, expires, cancellationToken);

        public ValueTask ReleaseSlotAsync(string name, string holder, CancellationToken cancellationToken = default) => inner.ReleaseSlotAsync(name, holder, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
