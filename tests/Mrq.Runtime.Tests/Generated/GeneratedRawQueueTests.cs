using System.Buffers;
using System.Globalization;
using System.Reflection;
using MessagePack;
using Mrq.Infrastructure;
using Mrq.Storage;

namespace Mrq.Tests.Generated;

/// <summary>
/// Runs what the generator made of the factories in GeneratedRawQueues.cs: their registration in the raw-queue catalog
/// and the typed <c>RawQueues.&lt;Method&gt;</c> enqueue API. The enqueue tests swap <see cref="MrqClient.Default"/> for
/// a recording client; no other test of this assembly uses it, and the tests of one class never run in parallel.
/// </summary>
[Collection(Hosting.DefaultClientCollection.Name)]
public sealed class GeneratedRawQueueTests
{
    private const string Factories = "Mrq.Tests.Generated.GeneratedRawQueueFactories.";

    [Theory]
    [InlineData("tests_generated_raw", "ListJob", "tests_generated_retry", "", 0, true)]
    [InlineData("tests_generated_set", "SetJob", "default", "Started,Success", 0, false)]
    [InlineData("tests_generated_sorted_set", "SortedJob", "default", "Success", 0, false)]
    [InlineData("tests_generated_timed_set", "TimedJob", "default", "", 60, true)]
    public void Every_raw_queue_is_registered_with_its_options(string name, string factory, string retryQueue, string noStorage, int pushback, bool subqueues)
    {
        Assert.True(RawQueueCatalog.TryFind(name, out var queue));

        Assert.Equal(name, queue.Name);
        Assert.Equal(Factories + factory, queue.FactoryName);
        Assert.Equal(retryQueue, queue.RetryQueue);
        Assert.Equal(noStorage, string.Join(",", queue.StatusesNoStorage));
        Assert.Equal(pushback, queue.PushbackSeconds);
        Assert.Equal(subqueues, queue.HasSubqueues);
        Assert.Equal(noStorage.Contains("Started", StringComparison.Ordinal), queue.SkipsStorageOf(JobStatus.Started));
        Assert.False(queue.SkipsStorageOf(JobStatus.Failed));
    }

    [Fact]
    public async Task The_registered_factory_is_the_declared_method()
    {
        Assert.True(RawQueueCatalog.TryFind(RawQueues.ListJob.Name, out var list));
        var job = list.Factory("41");

        Assert.Equal((Tasks.DisposableTask.Path, Tasks.DisposableTask.DefaultQueue), (job.Path, job.Queue));
        Assert.Equal(Tasks.DisposableTask.Job(n: 41).Params.ToArray(), job.Params.ToArray());

        // What a worker does next: the task registered under the job's path runs with the factory's params.
        Assert.True(TaskCatalog.TryFind(job.Path, out var task));
        var result = new ArrayBufferWriter<byte>();
        await task.Invoke(new TestJobContext(job.Path), job.Params, result);
        Assert.Equal(42, new MessagePackReader(result.WrittenMemory).ReadInt32());

        Assert.True(RawQueueCatalog.TryFind(RawQueues.SetJob.Name, out var set));
        Assert.Equal(Tasks.DefaultsTask.Job(required: 3, name: "abc").Params.ToArray(), set.Factory("abc").Params.ToArray());
        Assert.True(RawQueueCatalog.TryFind(RawQueues.SortedJob.Name, out var sorted));
        Assert.Equal("tests_generated_sorted", sorted.Factory("x").Queue);
        Assert.True(RawQueueCatalog.TryFind(RawQueues.TimedJob.Name, out var timed));
        Assert.Equal(Tasks.NothingTask.Path, timed.Factory("any").Path);
    }

    [Fact]
    public void The_enqueue_API_of_each_queue_fits_the_type_the_runtime_gives_its_name()
    {
        var ours = RawQueueCatalog.All.Where(static q => q.FactoryName.StartsWith(Factories, StringComparison.Ordinal)).ToList();
        Assert.Equal(4, ours.Count);
        foreach (var queue in ours)
        {
            Assert.True(RawQueueNames.TryGetType(queue.Name, out var type));
            var facade = typeof(GeneratedRawQueueTests).Assembly.GetType("Mrq.Tests.Generated.RawQueues+" + queue.FactoryName[Factories.Length..], throwOnError: true)!;
            Assert.Equal(queue.Name, facade.GetField("Name")!.GetValue(null));

            Type[] item = type switch
            {
                RawQueueType.SortedSet => [typeof(string), typeof(double)],
                RawQueueType.TimedSet => [typeof(string), typeof(DateTime)],
                _ => [typeof(string)],
            };
            var enqueues = facade.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(static m => m.Name == "Enqueue").ToList();
            Assert.Contains(enqueues, m => m.GetParameters().Select(static p => p.ParameterType).SequenceEqual(item));

            // Timed sets also take raw params without a due time: due now.
            var shapes = type == RawQueueType.TimedSet ? 2 : 1;
            if (type == RawQueueType.TimedSet)
            {
                Assert.Contains(enqueues, static m => m.GetParameters().Select(static p => p.ParameterType).SequenceEqual([typeof(string)]));
            }

            Assert.Equal((queue.HasSubqueues ? 2 : 1) * shapes, enqueues.Count);
            Assert.Equal((queue.HasSubqueues ? 8 : 4) * shapes, facade.GetMethods(BindingFlags.Public | BindingFlags.Static).Count(static m => m.Name.StartsWith("Enqueue", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Every_enqueue_method_makes_one_client_call_with_all_its_raw_params()
    {
        var (client, recorder) = RecordingClient.Create();
        MrqClient.Default = client;
        using var cancellation = new CancellationTokenSource();
        var token = cancellation.Token;
        var due = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc); // 1893456000 in unix seconds

        RawQueues.ListJob.Enqueue("1");
        RawQueues.ListJob.EnqueueMany(["2", "3", "2"]);
        await RawQueues.ListJob.EnqueueAsync("4", token);
        await RawQueues.ListJob.EnqueueManyAsync(Enumerable.Range(5, 3).Select(static i => i.ToString(CultureInfo.InvariantCulture)), token);
        RawQueues.ListJob.Enqueue("eu", "8");
        await RawQueues.ListJob.EnqueueManyAsync("us", ["9"], token);
        RawQueues.SetJob.EnqueueMany([]);
        await RawQueues.SetJob.EnqueueAsync("s");
        RawQueues.SortedJob.Enqueue("low", -1.5);
        RawQueues.SortedJob.EnqueueMany([("a", 2), ("b", 1)]);
        RawQueues.TimedJob.Enqueue("t", due);
        RawQueues.TimedJob.EnqueueMany([("u", due.AddSeconds(1)), ("v", due.AddSeconds(-1))]);
        await RawQueues.TimedJob.EnqueueManyAsync("eu", [("w", due)], token);

        Assert.Equal(
            [
                "tests_generated_raw | 1:0",
                "tests_generated_raw | 2:0 3:0 2:0",
                "tests_generated_raw | 4:0",
                "tests_generated_raw | 5:0 6:0 7:0",
                "tests_generated_raw/eu | 8:0",
                "tests_generated_raw/us | 9:0",
                "tests_generated_set | ",
                "tests_generated_set | s:0",
                "tests_generated_sorted_set | low:-1.5",
                "tests_generated_sorted_set | a:2 b:1",
                "tests_generated_timed_set | t:1893456000",
                "tests_generated_timed_set | u:1893456001 v:1893455999",
                "tests_generated_timed_set/eu | w:1893456000",
            ],
            recorder.Calls.Select(static c => c.Text));
        Assert.All(recorder.Calls, static c => Assert.IsType<RawParam[]>(c.Items));
        Assert.Equal([default, default, token, token, default, token, default, default, default, default, default, default, token], recorder.Calls.Select(static c => c.Token));
    }

    [Fact]
    public void Enqueue_methods_reject_null_raw_params_and_empty_subqueues_before_calling_the_client()
    {
        var (client, recorder) = RecordingClient.Create();
        MrqClient.Default = client;

        Assert.Throws<ArgumentNullException>("raw", () => RawQueues.ListJob.Enqueue(null!));
        Assert.Throws<ArgumentNullException>("raws", () => RawQueues.ListJob.EnqueueMany(null!));
        Assert.Throws<ArgumentException>("raws", () => RawQueues.ListJob.EnqueueMany(["a", null!]));
        Assert.Throws<ArgumentException>("items", () => RawQueues.SortedJob.EnqueueMany([("a", 1), (null!, 2)]));
        Assert.Throws<ArgumentException>("subqueue", () => RawQueues.ListJob.Enqueue(string.Empty, "a"));
        Assert.Throws<ArgumentNullException>("subqueue", () => RawQueues.TimedJob.Enqueue(null!, "a", DateTime.UtcNow));
        Assert.Empty(recorder.Calls);
    }

    /// <summary>A recording <see cref="IMrqClient"/> (a proxy, so it keeps compiling when the interface grows).</summary>
    public class RecordingClient : DispatchProxy
    {
        public List<(string Text, IReadOnlyList<RawParam> Items, CancellationToken Token)> Calls { get; } = [];

        public static (IMrqClient Client, RecordingClient Recorder) Create()
        {
            var client = DispatchProxy.Create<IMrqClient, RecordingClient>();
            return (client, (RecordingClient)(object)client);
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod?.Name)
            {
                // The synchronous EnqueueRaw is an extension method over this one (it passes no token).
                case nameof(IMrqClient.EnqueueRawAsync):
                    Record((string)args![0]!, (IReadOnlyList<RawParam>)args[1]!, (CancellationToken)args[2]!);
                    return ValueTask.CompletedTask;
                default:
                    throw new NotSupportedException(targetMethod?.Name);
            }
        }

        private void Record(string queue, IReadOnlyList<RawParam> items, CancellationToken token)
        {
            var text = string.Join(" ", items.Select(static p => FormattableString.Invariant($"{p.Value}:{p.Score}")));
            Calls.Add(($"{queue} | {text}", items, token));
        }
    }
}
