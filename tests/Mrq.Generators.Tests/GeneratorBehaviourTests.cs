using System.Reflection;
using System.Runtime.Loader;
using Mrq.Generators.Tests.Infrastructure;
using Mrq.Infrastructure;

namespace Mrq.Generators.Tests;

/// <summary>What the generator emits for invalid tasks, and the enqueue API of generated code compiled and run.</summary>
public sealed class GeneratorBehaviourTests
{
    [Theory]
    [InlineData("public sealed class T { public int Execute(int n) => n; }")]
    [InlineData("public sealed class T { public int Run(int n) => n; public int RunAsync(int n) => n; }")]
    [InlineData("public sealed class T { public int Run(object o) => 0; }")]
    [InlineData("public abstract class T { public int Run(int n) => n; }")]
    [InlineData("public sealed class T { private T() { } public int Run(int n) => n; }")]
    [InlineData("public sealed class T { public System.IO.Stream Run() => System.IO.Stream.Null; }")]
    [InlineData("[MrqTask(Queue = \"high priority\")] public sealed class T { public void Run() { } }")]
    [InlineData("[MrqTask(Queue = \"t_raw\")] public sealed class T { public void Run() { } }")]
    [InlineData("[MrqTask(Timeout = 0)] public sealed class T { public void Run() { } }")]
    [InlineData("[MrqTask(DefaultTtl = 400_000_000)] public sealed class T { public void Run() { } }")]
    public void An_invalid_task_produces_no_code_and_no_compiler_errors(string declaration)
    {
        var attribute = declaration.StartsWith('[') ? string.Empty : "[MrqTask] ";
        var source = "using Mrq;\nnamespace App;\n" + attribute + declaration + "\n[MrqTask] public sealed class Valid { public void Run() { } }";
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("App", source));

        GeneratorHarness.AssertNoDiagnostics(output);
        Assert.Equal(["App.Valid.Invoker.g.cs", "App.Valid.g.cs", "MrqAssemblyRegistration.g.cs", "MrqTaskCatalog.g.cs"], result.GeneratedSources.Select(static s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("[MrqRawQueue(\"bad\")] public static JobRequest M(string raw) => J;")]
    [InlineData("[MrqRawQueue(\"bad raw\")] public static JobRequest M(string raw) => J;")]
    [InlineData("[MrqRawQueue(\"m_raw\", RetryQueue = \"r_set\")] public static JobRequest M(string raw) => J;")]
    [InlineData("[MrqRawQueue(\"m_raw\", PushbackSeconds = 5)] public static JobRequest M(string raw) => J;")]
    [InlineData("[MrqRawQueue(\"m_raw\", StatusesNoStorage = [JobStatus.Queued])] public static JobRequest M(string raw) => J;")]
    [InlineData("[MrqRawQueue(\"m_raw\")] public static JobRequest M(int raw) => J;")]
    [InlineData("[MrqRawQueue(\"m_raw\")] public static string M(string raw) => raw;")]
    [InlineData("[MrqRawQueue(\"m_raw\")] private static JobRequest M(string raw) => J;")]
    [InlineData("[MrqRawQueue(\"m_raw\")] public static JobRequest Name(string raw) => J;")]
    [InlineData("[MrqRawQueue(\"valid_raw\")] public static JobRequest M(string raw) => J;")]
    [InlineData("[MrqRawQueue(\"m_raw\")] public static JobRequest Valid(string raw) => J;")]
    public void An_invalid_raw_queue_produces_no_code_and_no_compiler_errors(string declaration)
    {
        // The last two clash with the valid queue: by name (MRQ011) and by generated class (MRQ016); both are left out.
        var source = $$"""
            using Mrq;
            namespace App;
            public static class Factories
            {
                private static JobRequest J => new("p", default, "q");

                {{declaration}}
            }

            public static class Others
            {
                [MrqRawQueue("valid_raw")] public static JobRequest Valid(string raw) => new("p", default, "q");
            }
            """;
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("App", source));

        GeneratorHarness.AssertNoDiagnostics(output);
        var clashes = declaration.Contains("valid_raw", StringComparison.Ordinal) || declaration.Contains("Valid(", StringComparison.Ordinal);
        Assert.Equal(
            clashes ? [] : ["App.RawQueues+Valid.g.cs", "MrqAssemblyRegistration.g.cs", "MrqTaskCatalog.g.cs"],
            result.GeneratedSources.Select(static s => s.HintName).Order(StringComparer.Ordinal));
        var catalog = result.GeneratedSources.SingleOrDefault(static s => s.HintName == "MrqTaskCatalog.g.cs").SourceText?.ToString() ?? string.Empty;
        Assert.DoesNotContain("Factories.", catalog, StringComparison.Ordinal);
    }

    [Fact]
    public void A_compilation_without_tasks_gets_no_files()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("App", "namespace App; public sealed class Plain { }"));
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public async Task Generated_enqueue_methods_build_jobs_and_call_the_client_once_per_batch()
    {
        var assembly = CompileAndLoad(
            """
            using Mrq;

            namespace Shop;

            public sealed record Item(string Sku, int Quantity);

            [MrqTask(Path = "shop.order", Queue = "orders")]
            public sealed class Order
            {
                public int Run(string customer, List<Item> items) => items.Count;
            }

            [MrqTask(Path = "shop.ping")]
            public sealed class Ping
            {
                public void Run() { }
            }

            [MrqTask(Path = "shop.square")]
            public sealed class Square
            {
                public int Run(int n) => n * n;
            }
            """);
        var (proxy, client) = RecordingClient.Create();
        MrqClient.Default = proxy;
        var order = assembly.GetType("Shop.Tasks+Order", throwOnError: true)!;
        var ping = assembly.GetType("Shop.Tasks+Ping", throwOnError: true)!;
        var square = assembly.GetType("Shop.Tasks+Square", throwOnError: true)!;
        var itemType = assembly.GetType("Shop.Item", throwOnError: true)!;
        var items = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
        items.Add(Activator.CreateInstance(itemType, "sku-1", 2));

        var id = (JobId)Invoke(order, "Enqueue", "ada", items)!;
        using var cancellation = new CancellationTokenSource();
        var asyncId = await (ValueTask<JobId>)Invoke(order, "EnqueueAsync", "bob", items, cancellation.Token)!;
        var tupleType = typeof(ValueTuple<,>).MakeGenericType(typeof(string), items.GetType());
        var tuples = Array.CreateInstance(tupleType, 3);
        for (var i = 0; i < 3; i++)
        {
            tuples.SetValue(Activator.CreateInstance(tupleType, $"c{i}", items), i);
        }

        var orderIds = (IReadOnlyList<JobId>)Invoke(order, "EnqueueMany", tuples)!;
        var pingIds = (IReadOnlyList<JobId>)Invoke(ping, "EnqueueMany", 4)!;
        var squareIds = (IReadOnlyList<JobId>)Invoke(square, "EnqueueMany", Enumerable.Range(1, 5))!;

        Assert.Equal(client.Ids[0], id);
        Assert.Equal(client.Ids[1], asyncId);
        Assert.Equal(cancellation.Token, client.Token);
        Assert.Equal([3, 4, 5], client.Batches.Select(static b => b.Count));
        Assert.Equal((3, 4, 5), (orderIds.Count, pingIds.Count, squareIds.Count));
        Assert.All(client.Batches[0], static job => Assert.Equal(("shop.order", "orders"), (job.Path, job.Queue)));
        Assert.All(client.Batches[1], static job => Assert.Equal([0x80], job.Params.ToArray()));

        // The registered invoker reads back what the façade wrote.
        Assert.True(TaskCatalog.TryFind("shop.square", out var descriptor));
        var result = new System.Buffers.ArrayBufferWriter<byte>();
        await descriptor.Invoke(new FakeContext(), client.Batches[2][4].Params, result);
        var job = new JobInfo { Id = JobId.NewId(), Path = "shop.square", Queue = "default", Status = JobStatus.Success, Result = result.WrittenMemory };
        Assert.Equal(25, Invoke(square, "GetResult", job));
    }

    private static object? Invoke(Type type, string method, params object[] arguments)
    {
        var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == method).ToList();
        var target = Assert.Single(candidates);
        var parameters = target.GetParameters();
        var full = parameters.Select((p, i) => i < arguments.Length ? arguments[i] : p.DefaultValue).ToArray();
        return target.Invoke(null, full);
    }

    private static Assembly CompileAndLoad(string source)
    {
        var (_, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("Shop.Generated." + Guid.NewGuid().ToString("N"), source));
        GeneratorHarness.AssertNoDiagnostics(output);
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        return AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(stream.ToArray()));
    }

    // A proxy rather than a class implementing IMrqClient, so the test does not break when the interface grows.
    public class RecordingClient : DispatchProxy
    {
        public List<JobId> Ids { get; } = [];

        public List<IReadOnlyList<JobRequest>> Batches { get; } = [];

        public CancellationToken Token { get; private set; }

        public static (IMrqClient Client, RecordingClient Recorder) Create()
        {
            var client = DispatchProxy.Create<IMrqClient, RecordingClient>();
            return (client, (RecordingClient)(object)client);
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod?.Name)
            {
                case nameof(IMrqClient.Enqueue):
                    return Record();
                case nameof(IMrqClient.EnqueueAsync):
                    Token = (CancellationToken)args![1]!;
                    return ValueTask.FromResult(Record());
                case nameof(IMrqClient.EnqueueMany):
                    var jobs = (IReadOnlyList<JobRequest>)args![0]!;
                    Batches.Add(jobs);
                    return (IReadOnlyList<JobId>)jobs.Select(_ => Record()).ToList();
                default:
                    throw new NotSupportedException(targetMethod?.Name);
            }
        }

        private JobId Record()
        {
            var id = JobId.NewId();
            Ids.Add(id);
            return id;
        }
    }

    private sealed class FakeContext : JobContext
    {
        public override JobId Id { get; } = JobId.NewId();

        public override string Path => "shop.square";

        public override string Queue => "default";

        public override int RetryCount => 0;

        public override CancellationToken CancellationToken => CancellationToken.None;

        public override IServiceProvider Services => throw new NotSupportedException();
    }
}
