using System.Reflection;
using Mrq.Generators.Tests.Infrastructure;
using Mrq.Infrastructure;

namespace Mrq.Generators.Tests;

/// <summary>What the generator emits for invalid tasks, and the enqueue API of generated code compiled and run.</summary>
[Collection(DefaultClientCollection.Name)]
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
    [InlineData("[MrqTask(Path = \"a b\")] public sealed class T { public void Run() { } }")]
    [InlineData("public sealed class T { public required string Name { get; init; } public void Run() { } }")]
    [InlineData("[MrqTask, Obsolete(\"gone\", true)] public sealed class T { public void Run() { } }")]
    [InlineData("[Obsolete(\"gone\", true)] public static class Outer { [MrqTask] public sealed class T { public void Run() { } } }")]
    [InlineData("public sealed class T { [Obsolete(\"gone\", true)] public T() { } public void Run() { } }")]
    [InlineData("public sealed class T { [Obsolete(\"gone\", true)] public void Run() { } }")]
    [InlineData("public static class Job { [MrqTask] public sealed class JobTask { public void Run() { } } }")]
    public void An_invalid_task_produces_no_code_and_no_compiler_errors(string declaration)
    {
        var attribute = declaration.StartsWith('[') ? string.Empty : "[MrqTask] ";
        var source = "using Mrq;\nnamespace App;\n" + attribute + declaration + "\n[MrqTask] public sealed class Valid { public void Run() { } }";
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("App", source));

        GeneratorHarness.AssertNoDiagnostics(output);
        Assert.Equal(["App.Valid.Invoker.g.cs", "App.Valid.g.cs", "MrqAssemblyRegistration.g.cs", "MrqTaskCatalog.g.cs", "MrqTasksServiceCollectionExtensions.g.cs"], result.GeneratedSources.Select(static s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("public sealed class Tasks { }")]
    [InlineData("namespace Tasks { public sealed class Helper { } }")]
    [InlineData("[MrqTask] public sealed class Tasks { public void Run() { } }")]
    [InlineData("public sealed record RawQueues(int X);")]
    [InlineData("public static class RawQueues { [MrqRawQueue(\"m_raw\")] public static JobRequest M(string raw) => new(\"p\", default, \"q\"); }")]
    public void A_clash_with_the_generated_containers_produces_no_code_for_them_and_no_compiler_errors(string declaration)
    {
        var source = $$"""
            using Mrq;
            namespace App
            {
                {{declaration}}
                [MrqTask] public sealed class Valid { public void Run() { } }
                public static class Factories { [MrqRawQueue("valid_raw")] public static JobRequest Valid(string raw) => new("p", default, "q"); }
            }
            """;
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("App", source));

        GeneratorHarness.AssertNoDiagnostics(output);
        var hintNames = result.GeneratedSources.Select(static s => s.HintName).ToList();
        Assert.Equal(!declaration.Contains("Tasks", StringComparison.Ordinal), hintNames.Contains("App.Valid.g.cs"));
        Assert.Equal(!declaration.Contains("RawQueues", StringComparison.Ordinal), hintNames.Contains("App.RawQueues+Valid.g.cs"));
    }

    [Fact]
    public async Task Tasks_in_a_namespace_whose_Tasks_class_another_assembly_shows_are_MRQ020_not_CS0436()
    {
        var (_, app) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(
            "ShopApp",
            """
            using Mrq;
            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("ShopTests")]
            namespace Shop;
            [MrqTask] public sealed class Square { public int Run(int n) => n * n; }
            """));
        GeneratorHarness.AssertNoDiagnostics(app);
        var tests = GeneratorHarness.CreateCompilation(
                "ShopTests",
                """
                using Mrq;
                namespace Shop;
                [MrqTask] public sealed class Cube { public int Run(int n) => n * n * n; }
                public static class UsesTheApp { public static JobId Square() => Tasks.Square.Enqueue(2); }
                """)
            .AddReferences(app.ToMetadataReference());

        var (result, output) = GeneratorHarness.Run(tests);

        // Shop.Tasks would be declared twice (CS0436 wherever it is named); the test assembly's task is left out. Only
        // the registration of the referenced app's tasks is generated.
        GeneratorHarness.AssertNoDiagnostics(output);
        Assert.Equal(["MrqReferences.g.cs"], result.GeneratedSources.Select(static s => s.HintName));
        var analyzers = System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new Analyzers.TaskAnalyzer());
        var reported = Assert.Single(await Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzerExtensions.WithAnalyzers(output, analyzers).GetAnalyzerDiagnosticsAsync());
        Assert.Equal(
            "The class 'Shop.Tasks' that Mrq generates for task 'Cube' clashes with the type 'Shop.Tasks' of the assembly 'ShopApp', visible here; use another namespace",
            reported.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
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
            clashes ? [] : ["App.RawQueues+Valid.g.cs", "MrqAssemblyRegistration.g.cs", "MrqTaskCatalog.g.cs", "MrqTasksServiceCollectionExtensions.g.cs"],
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
        Assert.Equal([1, 1, 3, 4, 5], client.Batches.Select(static b => b.Count));
        Assert.Equal((3, 4, 5), (orderIds.Count, pingIds.Count, squareIds.Count));
        Assert.All(client.Batches[2], static job => Assert.Equal(("shop.order", "orders"), (job.Path, job.Queue)));
        Assert.All(client.Batches[3], static job => Assert.Equal([0x80], job.Params.ToArray()));

        // The same calls with an explicit client (a host's injected IMrqClient) leave MrqClient.Default alone.
        var (explicitProxy, explicitClient) = RecordingClient.Create();
        var explicitId = (JobId)Invoke(square, "Enqueue", explicitProxy, 7)!;
        var explicitAsyncId = await (ValueTask<JobId>)Invoke(square, "EnqueueAsync", explicitProxy, 8, CancellationToken.None)!;
        Invoke(ping, "EnqueueMany", explicitProxy, 2);
        Invoke(order, "EnqueueMany", explicitProxy, tuples);
        Assert.Equal([explicitId, explicitAsyncId], explicitClient.Ids.Take(2));
        Assert.Equal([1, 1, 2, 3], explicitClient.Batches.Select(static b => b.Count));
        Assert.Equal([1, 1, 3, 4, 5], client.Batches.Select(static b => b.Count));

        // The registered invoker reads back what the façade wrote.
        Assert.True(TaskCatalog.TryFind("shop.square", out var descriptor));
        var result = new System.Buffers.ArrayBufferWriter<byte>();
        await descriptor.Invoke(new FakeContext(), client.Batches[4][4].Params, result);
        var job = new JobInfo { Id = JobId.NewId(), Path = "shop.square", Queue = "default", Status = JobStatus.Success, Result = result.WrittenMemory };
        Assert.Equal(25, Invoke(square, "GetResult", job));
    }

    /// <summary>Calls the façade method that enqueues with <see cref="MrqClient.Default"/> (or, with <paramref name="client"/>, the one taking it first).</summary>
    private static object? Invoke(Type type, string method, params object[] arguments) => Invoke(type, method, client: null, arguments);

    private static object? Invoke(Type type, string method, IMrqClient? client, params object[] arguments)
    {
        var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == method && (m.GetParameters().FirstOrDefault()?.ParameterType == typeof(IMrqClient)) == (client is not null))
            .ToList();
        if (client is not null)
        {
            arguments = [client, .. arguments];
        }

        var target = Assert.Single(candidates);
        var parameters = target.GetParameters();
        var full = parameters.Select((p, i) => i < arguments.Length ? arguments[i] : p.DefaultValue).ToArray();
        return target.Invoke(null, full);
    }

    private static Assembly CompileAndLoad(string source) => GeneratorHarness.CompileAndLoad(source);

    // A proxy rather than a class implementing IMrqClient, so the test does not break when the interface grows.
    public class RecordingClient : DispatchProxy
    {
        public List<JobId> Ids { get; } = [];

        public List<IReadOnlyList<JobRequest>> Batches { get; } = [];

        public CancellationToken Token { get; private set; }

        public List<(string Queue, IReadOnlyList<RawParam> Items)> RawBatches { get; } = [];

        public static (IMrqClient Client, RecordingClient Recorder) Create()
        {
            var client = DispatchProxy.Create<IMrqClient, RecordingClient>();
            return (client, (RecordingClient)(object)client);
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod?.Name)
            {
                // Enqueue, EnqueueAsync and EnqueueMany are extension methods over EnqueueManyAsync (a single job is a batch
                // of one), and EnqueueRaw is one over EnqueueRawAsync.
                case nameof(IMrqClient.EnqueueManyAsync):
                    var jobs = (IReadOnlyList<JobRequest>)args![0]!;
                    var token = (CancellationToken)args[1]!;
                    Token = token.CanBeCanceled ? token : Token;
                    Batches.Add(jobs);
                    return ValueTask.FromResult<IReadOnlyList<JobId>>(jobs.Select(_ => Record()).ToList());
                case nameof(IMrqClient.EnqueueRawAsync):
                    RawBatches.Add(((string)args![0]!, (IReadOnlyList<RawParam>)args[1]!));
                    return ValueTask.CompletedTask;
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

/// <summary>Tests that set <see cref="MrqClient.Default"/> run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DefaultClientCollection
{
    public const string Name = "MrqClient.Default";
}
