using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Mrq.Generators.Analyzers;
using Mrq.Generators.Tests.Infrastructure;
using Mrq.Infrastructure;

namespace Mrq.Generators.Tests;

/// <summary>
/// Generated code compiles for every valid declaration: each case below is valid C# that a user may write, and the
/// generator must emit every task and raw queue of it with no compiler warning or error (the compilation includes the
/// generated files), rather than fail inside generated code. Names that cannot be generated as they are get escaped
/// (nested classes qualify the façade, reserved names get a suffix); the rest are MRQ diagnostics (DiagnosticTests).
/// </summary>
[Collection(DefaultClientCollection.Name)]
public sealed partial class GeneratedNamesTests
{
    public static readonly TheoryData<string, string> ValidDeclarations = new()
    {
        {
            "global namespace, nested in a global class",
            """
            [MrqTask] public sealed class Square { public int Run(int n) => n * n; }
            public static class Outer { [MrqTask] public sealed class Square { public int Run(int n) => n; } }
            public static class Factories { [MrqRawQueue("global_raw")] public static JobRequest Global(string raw) => Tasks.Square.Job(1); }
            """
        },
        {
            "file-scoped namespace",
            """
            namespace App.Jobs;
            [MrqTask] public sealed class Square { public int Run(int n) => n * n; }
            """
        },
        {
            "same simple name nested in different classes",
            """
            namespace Shop;
            public static class Billing { [MrqTask] public sealed class Charge { public void Run(decimal amount) { } } }
            public static class Shipping { [MrqTask] public sealed class Charge { public void Run(decimal amount) { } } }
            [MrqTask] public sealed class Charge { public void Run() { } }
            internal static class Use { public static void Calls() { Tasks.Billing.Charge.Enqueue(1m); Tasks.Shipping.Charge.Enqueue(2m); Tasks.Charge.Enqueue(); } }
            """
        },
        {
            "nested in static, partial, sealed, record, struct and interface containers",
            """
            namespace Shop;
            public static partial class A { [MrqTask] public sealed class T1 { public void Run() { } } }
            public static partial class A { [MrqTask] public sealed class T2 { public void Run() { } } }
            public sealed partial class B { public static class C { [MrqTask] internal sealed class T3 { public void Run() { } } } }
            public sealed record R(int X) { [MrqTask] public sealed class T4 { public void Run() { } } }
            public readonly struct S { [MrqTask] public sealed class T5 { public void Run() { } } }
            public interface I { [MrqTask] public sealed class T6 { public void Run() { } } }
            internal partial class D { [MrqTask] internal sealed partial class T7 { public void Run() { } } }
            internal partial class D { public int Other => 1; }
            """
        },
        {
            "a public Tasks class declared by the user, over public and internal tasks",
            """
            namespace Shop;
            public static partial class Tasks { }
            public static partial class RawQueues { }
            internal sealed record Secret(int N);
            public sealed record Open(int N);
            [MrqTask] public sealed class Visible { public Open Run(Open o) => o; }
            [MrqTask] internal sealed class Hidden { public Secret Run(Secret s) => s; }
            internal static class InternalBox { [MrqTask] public sealed class Boxed { public Secret Run(Secret s) => s; } }
            public static class PublicBox
            {
                [MrqTask] public sealed class Shown { public int Run(int n) => n; }
                [MrqTask] internal sealed class Kept { public Secret Run(Secret s) => s; }
            }
            public static class Factories
            {
                [MrqRawQueue("open_raw")] public static JobRequest Open(string raw) => Tasks.Visible.Job(new Open(1));
                [MrqRawQueue("secret_raw")] internal static JobRequest Secret(string raw) => Tasks.Hidden.Job(new Secret(1));
            }
            """
        },
        {
            "task classes named like members of the façade or like the container",
            """
            namespace Shop;
            [MrqTask] public sealed class Job { public void Run(int job) { } }
            [MrqTask] public sealed class Path { public void Run(string path) { } }
            [MrqTask] public sealed class Enqueue { public void Run() { } }
            [MrqTask] public sealed class EnqueueAsync { public void Run() { } }
            [MrqTask] public sealed class EnqueueMany { public void Run() { } }
            [MrqTask] public sealed class GetResult { public int Run() => 1; }
            [MrqTask] public sealed class DefaultQueue { public void Run() { } }
            [MrqTask] public sealed class Invoke { public int Run() => 1; }
            [MrqTask] public sealed class InvokeAsync { public Task<int> RunAsync() => Task.FromResult(1); }
            [MrqTask] public sealed class WriteResult { public int Run() => 1; }
            public static class Outer { [MrqTask] public sealed class Tasks { public void Run() { } } }
            public static class Job2 { [MrqTask] public sealed class RawQueues { public void Run() { } } }
            internal static class Use { public static void Calls() { Shop.Tasks.JobTask.Enqueue(job: 1); Shop.Tasks.PathTask.Enqueue("p"); Shop.Tasks.Outer.TasksTask.Enqueue(); } }
            """
        },
        {
            "a task that is also the container of nested tasks",
            """
            namespace Shop;
            [MrqTask] public sealed class Billing
            {
                public void Run(int n) { }

                [MrqTask] public sealed class Charge { public void Run(int n) { } }

                [MrqTask] public sealed class Path { public void Run() { } }

                [MrqTask] public sealed class Job { public void Run() { } }
            }

            public static class Job { [MrqTask] public sealed class Charge { public void Run() { } } }
            """
        },
        {
            "C# keywords as names",
            """
            namespace @event.@class;
            public enum @enum { @int, @string }
            public sealed record @record(int @class, @enum @default);
            [MrqTask] public sealed class @class { public @record Run(int @int, string @string, @enum @enum, @record @record, int @params = 1) => @record; }
            public static class @static { [MrqTask] public sealed class @object { public void Run(int @this) { } } }
            public static class Factories { [MrqRawQueue("keyword_raw")] public static JobRequest @namespace(string raw) => Tasks.@class.Job(1, raw, @enum.@int, new @record(1, @enum.@string)); }
            """
        },
        {
            "params named like generated locals, members and contextual keywords",
            """
            namespace Shop;
            [MrqTask] public sealed class Everything
            {
                public int Run(
                    int client, int job, int writer, int reader, int value, int buffer, int context, int result, int parameters, int task,
                    int scope, int services, int paramIndex, int key, int count, int i, int Path, int DefaultQueue, int Invoke, int InvokeAsync,
                    int WriteResult, int Enqueue, int GetResult, int p_client, int has_client, int items, int item, int jobs, int cancellationToken,
                    int global, int var, int nameof, int await, int async, int dynamic, int Tasks, int RawQueues, int Mrq, int System, int ex,
                    int Job, int when, int yield, int partial, int record, int Item3, int Rest, int ToString, int Equals, int GetHashCode) => 0;
            }

            [MrqTask] public sealed class Single { public Task<int> RunAsync(List<int> items, JobContext job, CancellationToken token) => Task.FromResult(items.Count); }

            [MrqTask] public sealed class Scoped(IServiceProvider sp) : IAsyncDisposable
            {
                public async Task<string> RunAsync(string scope, string services, string task, string value, string result, JobContext context)
                {
                    await Task.Yield();
                    return scope + services + task + value + result + context.Path + sp.GetHashCode();
                }

                public ValueTask DisposeAsync() => default;
            }
            """
        },
        {
            "user types named like framework and Mrq types",
            """
            namespace Shop
            {
                public sealed class String { public int Length { get; set; } }
                public sealed class Task { public int Id { get; set; } }
                public sealed class Guid { public int Value { get; set; } }
                public sealed class Exception { public string Message { get; set; } = ""; }
                public sealed class JobRequest { }
                public sealed class JobId { }
                public sealed class MrqClient { }
                public sealed class ValueTask { }
                public sealed class MemoryExtensions { }
                public sealed class ArgumentNullException { }
                public sealed class Enumerable { }
                public sealed class Array { }
                public sealed class IBufferWriter<T> { }
                public sealed class ReadOnlyMemory<T> { }
                public sealed class List<T> { }
                public sealed class IEnumerable<T> { }
                public sealed class RawParam { }
                public sealed class DateTime { }
                public sealed class CancellationToken { }

                [MrqTask] public sealed class Work { public Shop.Task Run(Shop.String text, Shop.Guid id, Shop.Exception error, global::System.Collections.Generic.List<Shop.Task> tasks) => tasks[0]; }
                [MrqTask] public sealed class Async { public global::System.Threading.Tasks.Task<int> RunAsync(int n, global::System.Threading.CancellationToken token) => global::System.Threading.Tasks.Task.FromResult(n); }
                public static class Factories
                {
                    [MrqRawQueue("shop_timed_set", HasSubqueues = true)] public static global::Mrq.JobRequest Later(string raw) => Tasks.Async.Job(1);
                    [MrqRawQueue("shop_sorted_set")] public static global::Mrq.JobRequest Sorted(string raw) => Tasks.Async.Job(2);
                }
            }

            namespace Shop.System { public sealed class Ignored { } }
            namespace Shop.Mrq { public sealed class Ignored { } }
            namespace Shop.MessagePack { public sealed class Ignored { } }
            namespace Shop.Microsoft { public sealed class Ignored { } }
            """
        },
        {
            "a user's own static partial Tasks and RawQueues classes, public or not",
            """
            namespace Shop
            {
                public static partial class Tasks { public static int Count => 2; public static partial class Square { public static JobId EnqueueTwo() => Enqueue(Count); } }
                static partial class RawQueues { internal static int Count => 1; }
                [MrqTask] public sealed class Square { public int Run(int n) => n * n; }
                public static class Factories { [MrqRawQueue("square_raw")] public static JobRequest SquareRaw(string raw) => Tasks.Square.Job(Tasks.Count + RawQueues.Count); }
            }

            namespace Shop.Other { public sealed class Tasks { } }
            namespace Tasks { public sealed class Unrelated { } }
            """
        },
        {
            "tasks in a namespace named Tasks, and a class named like its namespace",
            """
            namespace App.Tasks { [MrqTask] public sealed class Square { public int Run(int n) => n * n; } }
            namespace Square { [MrqTask] public sealed class Square { public int Run(int n) => n * n; } }
            """
        },
        {
            "inherited Run and RunAsync",
            """
            namespace Shop;
            public abstract class Handler<T> { public abstract Task<int> RunAsync(T item, CancellationToken cancellationToken); }
            public class Squarer { public virtual int Run(int n) => n * n; }
            public class Base { public int Run(string text) => text.Length; }
            [MrqTask] public sealed class Inherited : Squarer { }
            [MrqTask] public sealed class Overridden : Squarer { public override int Run(int n) => n + 1; }
            [MrqTask] public sealed class Generic : Handler<List<string>> { public override Task<int> RunAsync(List<string> item, CancellationToken cancellationToken) => Task.FromResult(item.Count); }
            [MrqTask] public sealed class Hiding : Base { public new int Run(string text) => -text.Length; }
            public class Middle : Squarer { }
            [MrqTask] public sealed class TwoLevels : Middle { }
            """
        },
        {
            "params and results of many shapes, with members named like locals",
            """
            namespace Shop;
            public sealed record Line(string reader, int writer, int value, int count, int key, int i, int Item1, int Rest);
            public sealed class Bag { public int @class { get; set; } public List<Line> Lines { get; set; } = []; public Dictionary<string, Line?> ByName { get; set; } = []; }
            public enum Kind : byte { @default, Other }
            [MrqTask] public sealed class Shapes { public Bag Run(Line line, Bag? bag, Kind kind = Kind.@default, Kind? maybe = null, int[]? numbers = null) => bag ?? new Bag(); }
            """
        },
        {
            "raw queue factories of every type, nested and with keyword names",
            """
            namespace Feeds;
            public static class Factories
            {
                [MrqRawQueue("a_raw", HasSubqueues = true)] public static JobRequest A(string raw) => new("p", default, "q");
                [MrqRawQueue("b_set")] public static JobRequest B(string raw) => new("p", default, "q");
                [MrqRawQueue("c_sorted_set", HasSubqueues = true)] public static JobRequest C(string raw) => new("p", default, "q");
                [MrqRawQueue("d_timed_set", HasSubqueues = true, PushbackSeconds = 5)] public static JobRequest D(string raw) => new("p", default, "q");
                public static class Inner { [MrqRawQueue("e_raw")] internal static JobRequest @event(string raw) => new("p", default, "q"); }
            }
            """
        },
        {
            "tasks in namespaces named like Mrq's, and param types from other namespaces",
            """
            public sealed record GlobalPoint(int X, int Y);
            namespace Mrq.Samples { [MrqTask] public sealed class Square { public int Run(int n, GlobalPoint point) => n * n; } }
            namespace App.Mrq { [MrqTask] public sealed class Square { public int Run(int n) => n * n; } }
            namespace App.MessagePack { [MrqTask] public sealed class Square { public int Run(App.Mrq.Kind kind) => 0; } }
            namespace App.Mrq { public enum Kind { A, B } }
            """
        },
        {
            "param types nested in the task class, and a user type named JobContext",
            """
            namespace Shop;
            public sealed record JobContext(string Name);
            [MrqTask] public sealed class Nested
            {
                public enum Mode { Fast, Slow }
                public sealed record Options(Mode Mode, int Retries);
                public Options Run(Mode mode, Options options, Shop.JobContext context, global::Mrq.JobContext real) => options;
            }
            """
        },
        {
            "task classes with required or init members, and partial classes split over parts",
            """
            namespace Shop;
            [MrqTask] public sealed class WithInit { public string Name { get; init; } = ""; public void Run() { } }
            [MrqTask] public sealed partial class Split { public int Run(int n) => Helper(n); }
            public sealed partial class Split { private static int Helper(int n) => n; }
            """
        },
        {
            "raw queue factories as extension methods, interface statics, overloads and in a nested RawQueues class",
            """
            namespace Feeds;
            public static class Extensions { [MrqRawQueue("ext_raw")] public static JobRequest FromRaw(this string raw) => new("p", default, "q"); }
            public interface IFactories { [MrqRawQueue("iface_raw")] public static JobRequest FromInterface(string raw) => new("p", default, "q"); }
            public static class Overloads
            {
                [MrqRawQueue("over_raw")] public static JobRequest Over(string raw) => new("p", default, "q");
                public static JobRequest Over(int raw) => new("p", default, "q");
            }
            public static class Outer { public static class RawQueues { [MrqRawQueue("inner_raw")] public static JobRequest InRawQueues(string raw) => new("p", default, "q"); } }
            """
        },
        {
            "non-ASCII names, deep namespaces, and the same class name in several namespaces",
            """
            namespace Übung.Aufgaben.Tief.Unten { [MrqTask] public sealed class Quadrat { public int Run(int größe) => größe * größe; } }
            namespace A { [MrqTask] public sealed class Square { public int Run(int n) => n * n; } }
            namespace B { [MrqTask] public sealed class Square { public int Run(int n) => n * n; } }
            namespace A.B { [MrqTask] public sealed class Square { public int Run(int n) => n * n; } }
            """
        },
        {
            "a task deriving from another task, and a constrained generic base",
            """
            namespace Shop;
            [MrqTask(Path = "shop.base")] public class BaseTask { public virtual int Run(int n) => n; }
            [MrqTask(Path = "shop.derived")] public sealed class DerivedTask : BaseTask { public override int Run(int n) => -n; }
            public abstract class Handler<T> where T : class, new() { public Task<string> RunAsync(T item) => Task.FromResult(item.ToString() ?? ""); }
            public sealed class Payload { public int Id { get; set; } }
            [MrqTask(Path = "shop.handled")] public sealed class Handled : Handler<Payload> { }
            """
        },
    };

    [Theory]
    [MemberData(nameof(ValidDeclarations))]
    public async Task Generated_code_compiles_for_every_valid_declaration(string name, string source)
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("Names", "using Mrq;\n" + source));

        GeneratorHarness.AssertNoDiagnostics(output);

        // The analyzers see the generated code too (as in a real build), and agree that nothing is wrong.
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new TaskAnalyzer(), new RawQueueAnalyzer());
        var reported = await output.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
        Assert.True(reported.IsEmpty, $"{name}:\n{string.Join("\n", reported)}");
        var tasks = TaskAttribute().Matches(source).Count;
        var rawQueues = RawQueueAttribute().Matches(source).Count;
        var hintNames = result.GeneratedSources.Select(static s => s.HintName).ToList();
        Assert.True(tasks == hintNames.Count(static h => h.EndsWith(".Invoker.g.cs", StringComparison.Ordinal)), $"{name}: not every task was generated:\n{string.Join("\n", hintNames)}");
        Assert.True(rawQueues == hintNames.Count(static h => h.Contains("RawQueues+", StringComparison.Ordinal)), $"{name}: not every raw queue was generated:\n{string.Join("\n", hintNames)}");
    }

    [Fact]
    public async Task Tasks_with_the_same_name_or_a_reserved_one_or_an_inherited_Run_enqueue_and_run()
    {
        var assembly = GeneratorHarness.CompileAndLoad(
            """
            using Mrq;

            namespace Shop;

            public static class Billing { [MrqTask(Path = "names.billing.charge")] public sealed class Charge { public int Run(int cents) => cents + 1; } }
            public static class Shipping { [MrqTask(Path = "names.shipping.charge")] public sealed class Charge { public int Run(int cents) => cents + 2; } }
            [MrqTask(Path = "names.job")] public sealed class Job { public int Run(int job) => job * 10; }

            public class Squarer { public virtual int Run(int n) => n * n; }
            public abstract class AsyncBase { public abstract Task<int> RunAsync(int n); }
            [MrqTask(Path = "names.square")] public sealed class Square : Squarer { }
            [MrqTask(Path = "names.cube")] public sealed class Cube : Squarer { public override int Run(int n) => n * n * n; }
            [MrqTask(Path = "names.negate")] public sealed class Negate : AsyncBase { public override Task<int> RunAsync(int n) => Task.FromResult(-n); }
            """);
        var (proxy, client) = GeneratorBehaviourTests.RecordingClient.Create();
        MrqClient.Default = proxy;

        var cases = new (string Facade, string Path, object Argument, int Expected)[]
        {
            ("Shop.Tasks+Billing+Charge", "names.billing.charge", 5, 6),
            ("Shop.Tasks+Shipping+Charge", "names.shipping.charge", 5, 7),
            ("Shop.Tasks+JobTask", "names.job", 5, 50),
            ("Shop.Tasks+Square", "names.square", 5, 25),
            ("Shop.Tasks+Cube", "names.cube", 5, 125),
            ("Shop.Tasks+Negate", "names.negate", 5, -5),
        };
        foreach (var (facadeName, path, argument, expected) in cases)
        {
            var facade = assembly.GetType(facadeName, throwOnError: true)!;
            Assert.Equal(path, facade.GetField("Path")!.GetValue(null));
            var job = (JobRequest)GeneratorHarness.InvokeStatic(facade, "Job", argument)!;
            Assert.Equal(path, job.Path);

            // The registered invoker runs the task (its own Run, or the inherited one) on what the façade wrote.
            Assert.True(TaskCatalog.TryFind(path, out var descriptor), path);
            var result = new System.Buffers.ArrayBufferWriter<byte>();
            await descriptor.Invoke(null!, job.Params, result);
            var info = new JobInfo { Id = JobId.NewId(), Path = path, Queue = "default", Status = JobStatus.Success, Result = result.WrittenMemory };
            Assert.Equal(expected, GeneratorHarness.InvokeStatic(facade, "GetResult", info));
        }

        Assert.Empty(client.Ids);
    }

    [Fact]
    public async Task A_timed_set_takes_raw_params_due_now()
    {
        var assembly = GeneratorHarness.CompileAndLoad(
            """
            using Mrq;

            namespace Feeds;

            public static class Factories
            {
                [MrqRawQueue("names_refresh_timed_set", HasSubqueues = true)]
                public static JobRequest Refresh(string raw) => new("feeds.refresh", default, "default");
            }
            """);
        var (proxy, client) = GeneratorBehaviourTests.RecordingClient.Create();
        MrqClient.Default = proxy;
        var queue = assembly.GetType("Feeds.RawQueues+Refresh", throwOnError: true)!;
        var before = DateTime.UtcNow.Subtract(DateTime.UnixEpoch).TotalSeconds;

        Call(queue, "Enqueue", [typeof(string)], "a");
        await (ValueTask)Call(queue, "EnqueueAsync", [typeof(string), typeof(CancellationToken)], "b", CancellationToken.None)!;
        Call(queue, "EnqueueMany", [typeof(IEnumerable<string>)], (object)new[] { "c", "d" });
        Call(queue, "Enqueue", [typeof(string), typeof(string)], "eu", "e");
        Call(queue, "Enqueue", [typeof(string), typeof(DateTime)], "later", DateTime.UtcNow.AddHours(1));

        var after = DateTime.UtcNow.Subtract(DateTime.UnixEpoch).TotalSeconds;
        Assert.Equal(
            ["names_refresh_timed_set", "names_refresh_timed_set", "names_refresh_timed_set", "names_refresh_timed_set/eu", "names_refresh_timed_set"],
            client.RawBatches.Select(static b => b.Queue));
        var dueNow = client.RawBatches.Take(4).SelectMany(static b => b.Items).ToList();
        Assert.Equal(["a", "b", "c", "d", "e"], dueNow.Select(static p => p.Value));
        Assert.All(dueNow, p => Assert.InRange(p.Score, before, after));
        Assert.True(client.RawBatches[4].Items[0].Score > after + 3000);
    }

    private static object? Call(Type type, string method, Type[] parameterTypes, params object[] arguments) =>
        type.GetMethod(method, BindingFlags.Public | BindingFlags.Static, parameterTypes)!.Invoke(null, arguments);

    [GeneratedRegex(@"\[MrqTask[\]\(]")]
    private static partial Regex TaskAttribute();

    [GeneratedRegex(@"\[MrqRawQueue\(")]
    private static partial Regex RawQueueAttribute();
}
