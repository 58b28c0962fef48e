using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Processing;
using Mrq.Redis;
using Mrq.Storage;
using Mrq.Storage.Sqlite;

namespace Mrq.Benchmarks;

/// <summary>
/// <c>profile QUEUE [JOBS] [GREENLETS]</c>: a stopwatch breakdown of one in-process drain. The worker engine runs
/// unchanged against the real stores wrapped in timers, and the report says how many store calls it made, how many
/// jobs each carried, how long they took, and what the process spent in CPU, allocations and thread-pool items.
/// Queue <c>io</c> is a regular queue of jobs that await <c>Task.Delay(MRQ_PROFILE_IO_MS)</c> (default 20 ms);
/// <c>MRQ_PROFILE_PIPELINE=1</c> turns on the raw queues' <c>--pipeline_raw_dequeue</c>.
/// </summary>
internal static class WorkerProfile
{
    public static async Task<int> RunAsync(string[] args)
    {
        var queue = args.Length > 1 ? args[1] : "square";
        var jobs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50_000;
        var greenlets = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : queue == "square_raw" ? 30 : 50;
        var raw = queue is not ("square" or "io");

        using var redis = raw ? BenchRedis.Start(out var why) ?? throw new InvalidOperationException(why) : null;
        var directory = Directory.CreateTempSubdirectory("mrq-profile-").FullName;
        try
        {
            await using var sqlite = SqliteJobStore.Open(Path.Combine(directory, "mrq.db"));
            var store = TimingProxy.Wrap<IJobStore>(sqlite, "ClaimAsync", "CompleteAsync", "InsertAsync", "CompleteAndClaimAsync", "CompleteAndInsertAsync");
            await using var redisBroker = raw ? await RedisQueueBroker.ConnectAsync(redis!.Uri, "mrqprofile" + Environment.ProcessId) : null;
            var broker = redisBroker is null ? null : TimingProxy.Wrap<IQueueBroker>(redisBroker, "DequeueAsync");
            await using var services = new ServiceCollection().BuildServiceProvider();

            var client = new StoreClient(sqlite, () => redisBroker!, ownsStores: false);
            var fill = Stopwatch.StartNew();
            if (raw)
            {
                await client.EnqueueRawAsync(queue, Enumerable.Repeat((RawParam)"42", jobs).ToArray());
            }
            else
            {
                var ioMs = int.TryParse(Environment.GetEnvironmentVariable("MRQ_PROFILE_IO_MS"), CultureInfo.InvariantCulture, out var ms) ? ms : 20;
                var job = queue == "io" ? Tasks.Sleep.Job(ms: ioMs) : Tasks.Square.Job(n: 42).OnQueue(queue);
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
            // MRQ_PROFILE_PIPELINE=1: the worker's --pipeline_raw_dequeue (the next batch is popped while this one is stored).
            var pipelined = Environment.GetEnvironmentVariable("MRQ_PROFILE_PIPELINE") == "1";
            QueueSource source = raw
                ? new RawQueueSource(broker!, store, queue, descriptor, NullLogger.Instance, pipelined)
                : new RegularQueueSource(store, queue);
            // Experiment for the engine: with MRQ_PROFILE_MIN_BATCH=N the source declines to dequeue fewer than N jobs
            // while jobs still run (the engine then waits for more free slots), emulating a refill threshold.
            if (int.TryParse(Environment.GetEnvironmentVariable("MRQ_PROFILE_MIN_BATCH"), CultureInfo.InvariantCulture, out var minBatch) && minBatch > 1)
            {
                source = new MinBatchSource(source, Math.Min(minBatch, greenlets), greenlets);
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  experiment: dequeue only when at least {minBatch} slots are free (or none run)"));
            }

            var settings = new MrqSettings { Greenlets = greenlets, DequeueStrategy = DequeueStrategy.Burst, Queues = [queue] };

            // Experiment: MRQ_PROFILE_NOTIFY=0 turns the queue's wake-ups off (QUEUES_CONFIG notify: false), so the drain
            // runs without the subscription a worker holds by default.
            if (Environment.GetEnvironmentVariable("MRQ_PROFILE_NOTIFY") == "0")
            {
                settings.Extra["QUEUES_CONFIG"] = "{\"" + queue + "\": {\"notify\": false}}";
                Console.Out.WriteLine("  experiment: wake-ups off for the queue");
            }
            var engine = new WorkerEngine(settings, store, [source], services, NullLogger.Instance, () => broker!);

            var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
            var gc0 = GC.CollectionCount(0);
            var items0 = ThreadPool.CompletedWorkItemCount;
            using var slots = queue == "io" ? SlotSampler.Start(engine) : null;
            var summary = await engine.RunAsync(CancellationToken.None, CancellationToken.None);
            slots?.Stop();
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpu0;
            var alloc = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
            var wall = summary.Elapsed.TotalMilliseconds;

            var o = Console.Out;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile {queue}: {jobs:N0} jobs, --greenlets {greenlets}, {Environment.ProcessorCount} cores{(pipelined ? ", --pipeline_raw_dequeue" : "")}"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fill: {fill.Elapsed.TotalMilliseconds:F0} ms ({jobs / fill.Elapsed.TotalSeconds:N0} jobs/s)"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  drain: {summary}"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  process CPU {cpu.TotalMilliseconds:F0} ms = {cpu.TotalMilliseconds / wall:F2} cores busy; {cpu.TotalMilliseconds * 1000 / summary.DoneJobs:F1} µs CPU/job"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  allocated {alloc / (double)summary.DoneJobs:F0} B/job; gen0 GCs {GC.CollectionCount(0) - gc0}; thread-pool items {(ThreadPool.CompletedWorkItemCount - items0) / (double)summary.DoneJobs:F2}/job"));
            if (queue == "io")
            {
                var busy = summary.DoneJobs / summary.Elapsed.TotalSeconds * Sleep.AverageWait.TotalSeconds;
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  each await took {Sleep.AverageWait.TotalMilliseconds:F1} ms on average; jobs inside their await on average {busy:F0} of {greenlets}"));
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  jobs claimed on average {slots!.AverageTaken:F0} for {greenlets} greenlets (sampled every ms: running, starting or ending, or claimed ahead and waiting for a greenlet)"));
            }

            o.WriteLine("  store/broker calls (rows: jobs claimed + outcomes or documents written; time inside the call, µs; share of the drain's wall time):");
            foreach (var timer in ((TimingProxy)(object)store).Timers.Concat(broker is null ? [] : ((TimingProxy)(object)broker).Timers))
            {
                if (timer.Calls > 0)
                {
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    {timer.Name,-35} calls {timer.Calls,7:N0}  rows/call {timer.Items / (double)timer.Calls,7:F1}  µs/call {timer.Micros / timer.Calls,8:F1}  µs/row {timer.Micros / Math.Max(1, timer.Items),6:F2}  {timer.Micros / 1000 / wall,6:P1}"));
                }
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Samples the worker's slots taken (jobs between their claim and their release) every millisecond.</summary>
    private sealed class SlotSampler : IDisposable
    {
        private readonly WorkerState _state;
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _samples;
        private long _taken;

        private SlotSampler(WorkerState state)
        {
            _state = state;
            _thread = new Thread(Sample) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        }

        public double AverageTaken => _samples == 0 ? 0 : _taken / (double)_samples;

        public static SlotSampler Start(WorkerEngine engine)
        {
            var sampler = new SlotSampler(engine.State);
            sampler._thread.Start();
            return sampler;
        }

        public void Stop()
        {
            _stop = true;
            _thread.Join();
        }

        public void Dispose() => _stop = true;

        private void Sample()
        {
            // From the first claim to the last release: the ramp-up before it is the worker's start, not its loop.
            while (!_stop && _state.Running == 0)
            {
                Thread.Sleep(0);
            }

            while (!_stop)
            {
                _taken += _state.Running;
                _samples++;
                Thread.Sleep(1);
            }
        }
    }

    private sealed class MinBatchSource(QueueSource inner, int minBatch, int greenlets) : QueueSource
    {
        public override string Name => inner.Name;

        public override ValueTask<int> DequeueAsync(int max, IClaimRecount? recount, string workerId, List<ClaimedJob> into, OutcomeBatch outcomes, CancellationToken cancellationToken) =>
            max < minBatch && max < greenlets ? ValueTask.FromResult(0) : inner.DequeueAsync(max, recount, workerId, into, outcomes, cancellationToken);
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

    /// <summary>
    /// Wraps a store or broker, timing the calls named in <see cref="Timers"/> (until their ValueTask completes) and
    /// forwarding every other call untouched. A DispatchProxy, so the ports can grow without this file changing.
    /// </summary>
    internal class TimingProxy : DispatchProxy
    {
        private object _inner = null!;
        private Dictionary<string, Timer> _timers = [];

        public IEnumerable<Timer> Timers => _timers.Values;

        public static T Wrap<T>(T inner, params string[] timed)
            where T : class
        {
            var proxy = DispatchProxy.Create<T, TimingProxy>();
            var self = (TimingProxy)(object)proxy;
            self._inner = inner;
            self._timers = timed.ToDictionary(name => name, name => new Timer(typeof(T).Name + "." + name));
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            object? result;
            var started = Stopwatch.GetTimestamp();
            try
            {
                result = targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }

            if (!_timers.TryGetValue(targetMethod.Name, out var timer))
            {
                return result;
            }

            long items = args is [ReadOnlyMemory<JobOutcome> outcomes, ..] ? outcomes.Length : args is [ReadOnlyMemory<JobInfo> documents, ..] ? documents.Length : 0;
            return result switch
            {
                ValueTask<int> counted => TimeCount(counted, timer, started, items),
                ValueTask done => TimeDone(done, timer, started, items),
                _ => result,
            };
        }

        private static async ValueTask<int> TimeCount(ValueTask<int> call, Timer timer, long started, long written)
        {
            var n = await call.ConfigureAwait(false);
            timer.Add(started, written + n);
            return n;
        }

        private static async ValueTask TimeDone(ValueTask call, Timer timer, long started, long items)
        {
            await call.ConfigureAwait(false);
            timer.Add(started, items);
        }
    }
}
