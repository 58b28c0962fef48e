using System.Buffers;
using MessagePack;
using Microsoft.Extensions.DependencyInjection;
using Mrq.Infrastructure;

namespace Mrq.Tests.Generated;

/// <summary>Runs the generated façades, invokers and serializers of the tasks in GeneratedTasks.cs end to end.</summary>
public sealed class GeneratedTaskTests
{
    private static readonly DateTime s_utcTime = new(2024, 2, 29, 23, 59, 58, DateTimeKind.Utc);

    [Fact]
    public async Task Scalars_round_trip_through_params_and_result()
    {
        var expected = new Scalars(
            true, sbyte.MinValue, byte.MaxValue, short.MinValue, ushort.MaxValue, int.MinValue, uint.MaxValue, long.MinValue, ulong.MaxValue,
            1.5f, Math.PI, 79228162514264337593543950335m, "héllo ✓", null, 'é', Guid.NewGuid(), s_utcTime.AddTicks(1234567),
            new DateTimeOffset(2024, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(-5.5)), new TimeSpan(-3, -4, -5, -6, -7),
            Priority.High, Delta.Min, 42, null, Priority.Low);

        var job = Tasks.ScalarsTask.Job(
            expected.B, expected.SB, expected.By, expected.S, expected.US, expected.I, expected.UI, expected.L, expected.UL, expected.F,
            expected.D, expected.M, expected.Str, expected.NullStr, expected.C, expected.G, expected.Dt, expected.Dto, expected.Ts,
            expected.P, expected.Delta, expected.NI, expected.NullInt, expected.NP);

        Assert.Equal("tests.generated.Scalars", job.Path);
        Assert.Equal("scalars", job.Queue);
        var (received, result) = await InvokeAsync(job);
        Assert.Equal(expected, received);
        Assert.Equal(expected, Tasks.ScalarsTask.GetResult(Succeeded(job, result)));
    }

    [Fact]
    public async Task Objects_round_trip_including_nested_and_recursive_types()
    {
        var customer = new Customer(
            "Ada",
            new Address("Main St", 12, ["Flat 3", "Floor 2"]),
            [new Address("Side St", null, [])],
            new Dictionary<string, int> { ["a"] = 1, ["b"] = -2 })
        {
            Note = "vip",
            Visits = 0,
        };
        var tree = new Node { Value = 1, Children = [new Node { Value = 2 }, new Node { Value = 3, Children = [] }] };
        var expected = new Objects(
            customer, tree, new Point(1.5, -2.5), new Point(3, 4), null, new MutablePoint { X = 5, Y = 6 }, new Immutable("imm", 9),
            new WithRequired { Id = "r1", Size = 10 });

        var job = Tasks.ObjectsTask.Job(customer, tree, expected.Point, expected.MaybePoint, expected.NoPoint, expected.Mutable, expected.Immutable, expected.Required);
        var (received, result) = await InvokeAsync(job);

        Assert.Equivalent(expected, received, strict: true);
        var roundTripped = Tasks.ObjectsTask.GetResult(Succeeded(job, result));
        Assert.Equivalent(expected, roundTripped, strict: true);
        Assert.Equal(0, roundTripped.Customer.Visits); // a setter property present in the map overrides its initializer
        Assert.Null(roundTripped.Tree.Children![0].Children);
    }

    [Fact]
    public async Task Collections_round_trip_for_every_supported_collection_type()
    {
        var expected = new Collections
        {
            Array = [1, -2, 3],
            List = ["a", "b"],
            IList = [long.MaxValue],
            ICollection = [0.25, -1e300],
            IEnumerable = Enumerable.Range(1, 5).Where(i => i % 2 == 1), // lazy: enumerated once when written
            IReadOnlyList = [new Point(1, 2)],
            IReadOnlyCollection = [Priority.Low, Priority.High],
            Dictionary = new() { ["x"] = 1 },
            IDictionary = new Dictionary<string, List<int>> { ["empty"] = [], ["full"] = [1, 2] },
            IReadOnlyDictionary = new Dictionary<string, Address?> { ["none"] = null, ["home"] = new Address("s", 1, ["l"]) },
            Jagged = [[1], [], [2, 3]],
            NullableItems = [1, null, 3],
            Bytes = [0, 255],
            NoList = null,
        };

        var job = Tasks.CollectionsTask.Job(
            expected.Array, expected.List, expected.IList, expected.ICollection, expected.IEnumerable, expected.IReadOnlyList,
            expected.IReadOnlyCollection, expected.Dictionary, expected.IDictionary, expected.IReadOnlyDictionary, expected.Jagged,
            expected.NullableItems, expected.Bytes, expected.NoList);
        var (received, result) = await InvokeAsync(job);

        Assert.Equivalent(expected, received, strict: true);
        Assert.Equivalent(expected, Tasks.CollectionsTask.GetResult(Succeeded(job, result)), strict: true);
    }

    [Fact]
    public async Task Dates_times_and_sets_round_trip()
    {
        var expected = new Calendar(
            new DateOnly(2026, 12, 4), new TimeOnly(23, 59, 58, 123, 456), null, ["a", "é"], new SortedSet<int> { 3, 1 },
            new HashSet<DateOnly> { DateOnly.MinValue, DateOnly.MaxValue });

        var job = Tasks.CalendarTask.Job(expected.Day, expected.At, expected.MaybeDay, expected.Tags, expected.Slots, expected.Holidays);
        var (received, result) = await InvokeAsync(job);

        Assert.Equivalent(expected, received, strict: true);
        Assert.Equivalent(expected, Tasks.CalendarTask.GetResult(Succeeded(job, result)), strict: true);
    }

    [Fact]
    public async Task Optional_params_take_their_default_values_when_missing()
    {
        var (received, _) = await InvokeAsync(Tasks.DefaultsTask.Job(required: 1));
        Assert.Equal("1|2|x|High|1.5|null", received);

        var (all, result) = await InvokeAsync(Tasks.DefaultsTask.Job(1, 3, "y", Priority.Low, 2.25m, 0.5));
        Assert.Equal("1|3|y|Low|2.25|0.5", all);
        Assert.Equal(all, Tasks.DefaultsTask.GetResult(Succeeded(Tasks.DefaultsTask.Job(1), result)));

        // Params written without the optional keys at all (another producer): defaults apply too.
        var (sparse, _) = await InvokeAsync(Tasks.DefaultsTask.Path, Map((ref MessagePackWriter w) => w.Write(7), "required"));
        Assert.Equal("7|2|x|High|1.5|null", sparse);
    }

    [Fact]
    public async Task A_task_without_params_or_result_reads_an_empty_map_and_writes_nothing()
    {
        var job = Tasks.NothingTask.Job();
        Assert.Equal([0x80], job.Params.ToArray());
        var before = Volatile.Read(ref NothingTask.Runs);

        var (_, result) = await InvokeAsync(job);
        var (_, fromEmpty) = await InvokeAsync(Tasks.NothingTask.Path, ReadOnlyMemory<byte>.Empty);

        Assert.Empty(result);
        Assert.Empty(fromEmpty);
        Assert.True(Volatile.Read(ref NothingTask.Runs) >= before + 2);
    }

    [Fact]
    public async Task Constructor_dependencies_come_from_a_scope_per_job()
    {
        var services = new ServiceCollection()
            .AddSingleton<IGreeter, Greeter>()
            .AddScoped<ScopedLog>()
            .BuildServiceProvider();
        using var cancellation = new CancellationTokenSource();
        var job = Tasks.GreetTask.Job("Ada");
        var context = new TestJobContext(job.Path, services, cancellation.Token);

        var (received, result) = await InvokeAsync(job, context);
        var (second, _) = await InvokeAsync(job, new TestJobContext(job.Path, services, cancellation.Token));

        var seen = Assert.IsType<GreetingSeen>(received);
        Assert.Equal("Hello, Ada", seen.Greeting);
        Assert.Equal(context.Id, seen.JobId);
        Assert.Equal("tests.generated.Greet", seen.Path);
        Assert.True(seen.TokenMatches);
        Assert.True(seen.TaskDisposedBeforeScope);
        Assert.True(seen.Log.Disposed);
        Assert.NotSame(seen.Log, Assert.IsType<GreetingSeen>(second).Log);
        Assert.Equal("Hello, Ada", Tasks.GreetTask.GetResult(Succeeded(job, result)));
    }

    [Fact]
    public async Task A_missing_service_fails_the_job()
    {
        var services = new ServiceCollection().AddScoped<ScopedLog>().BuildServiceProvider();
        var job = Tasks.GreetTask.Job("Ada");
        await Assert.ThrowsAsync<InvalidOperationException>(() => InvokeAsync(job, new TestJobContext(job.Path, services)));
    }

    [Fact]
    public async Task A_disposable_task_is_disposed_after_run()
    {
        var before = Volatile.Read(ref DisposableTask.Disposals);
        var job = Tasks.DisposableTask.Job(41);
        var (_, result) = await InvokeAsync(job);
        Assert.Equal(42, Tasks.DisposableTask.GetResult(Succeeded(job, result)));
        Assert.True(Volatile.Read(ref DisposableTask.Disposals) > before);
    }

    [Fact]
    public void The_descriptor_carries_the_attribute_options()
    {
        Assert.True(TaskCatalog.TryFind("tests.generated.Scalars", out var scalars));
        Assert.Equal("scalars", scalars.DefaultQueue);
        Assert.Empty(scalars.Options);
        Assert.Equal((-1, -1, 0), (scalars.Get(TaskOption.MaxRetries), scalars.Get(TaskOption.RetryDelay), scalars.Get(TaskOption.Timeout)));
        Assert.True(TaskCatalog.TryFind(Tasks.WithOptions.Path, out var options));
        Assert.Equal("options", options.DefaultQueue);
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["timeout"] = 30,
                ["max_retries"] = 5,
                ["retry_delay"] = 10,
                ["result_ttl"] = 60,
                ["abort_ttl"] = 70,
                ["cancel_ttl"] = 80,
                ["default_ttl"] = 90,
                ["max_concurrency"] = 4,
            },
            options.Options);
    }

    [Fact]
    public void GetResult_refuses_jobs_that_did_not_succeed_or_belong_to_another_task()
    {
        var job = Tasks.DisposableTask.Job(1);
        var failed = Succeeded(job, [0x01]) with { Status = JobStatus.Failed };
        var error = Assert.Throws<InvalidOperationException>(() => Tasks.DisposableTask.GetResult(failed));
        Assert.Contains(failed.Id.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("failed", error.Message, StringComparison.Ordinal);

        var other = Succeeded(Tasks.DefaultsTask.Job(1), [0x01]);
        Assert.Throws<InvalidOperationException>(() => Tasks.DisposableTask.GetResult(other));
        Assert.Equal(0, Tasks.DisposableTask.GetResult(Succeeded(job, [])));
    }

    private static async Task<(object? Received, byte[] Result)> InvokeAsync(JobRequest job, JobContext? context = null) =>
        await InvokeAsync(job.Path, job.Params, context);

    private static async Task<(object? Received, byte[] Result)> InvokeAsync(string path, ReadOnlyMemory<byte> parameters, JobContext? context = null)
    {
        Assert.True(TaskCatalog.TryFind(path, out var task), $"Task '{path}' is not registered.");
        var result = new ArrayBufferWriter<byte>();
        Received.Start();
        await task.Invoke(context ?? new TestJobContext(path), parameters, result);
        return (Received.Value, result.WrittenSpan.ToArray());
    }

    internal static JobInfo Succeeded(JobRequest job, byte[] result) => new()
    {
        Id = JobId.NewId(),
        Path = job.Path,
        Queue = job.Queue,
        Status = JobStatus.Success,
        Params = job.Params,
        Result = result,
    };

    internal delegate void ValueWriter(ref MessagePackWriter writer);

    // A params map with one key, written by hand.
    internal static byte[] Map(ValueWriter value, string key)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(1);
        writer.Write(key);
        value(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
