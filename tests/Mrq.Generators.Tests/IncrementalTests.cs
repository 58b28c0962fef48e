using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mrq.Generators.Tests.Infrastructure;

namespace Mrq.Generators.Tests;

/// <summary>What each kind of edit re-runs, read from the generator's tracked steps.</summary>
public sealed class IncrementalTests
{
    private static readonly string[] s_taskSteps =
        [TrackingNames.Tasks, TrackingNames.ValidTasks, TrackingNames.AllTasks, TrackingNames.TaskConflicts, TrackingNames.UniqueTasks, TrackingNames.Serializers];

    private static readonly string[] s_rawQueueSteps =
        [TrackingNames.RawQueues, TrackingNames.ValidRawQueues, TrackingNames.AllRawQueues, TrackingNames.RawQueueConflicts, TrackingNames.UniqueRawQueues];

    private static readonly string[] s_steps = [.. s_taskSteps, .. s_rawQueueSteps, TrackingNames.Catalog];

    private const string Task = """
        using Mrq;

        namespace App;

        public sealed record Point(int X, int Y);

        [MrqTask(Path = "app.Square")]
        public sealed class Square
        {
            public int Run(int n, Point origin) => n * n + origin.X;
        }

        internal static class Factories
        {
            [MrqRawQueue("square_raw", RetryQueue = "square")]
            public static JobRequest SquareRaw(string raw) => Tasks.Square.Job(int.Parse(raw), new Point(0, 0));
        }
        """;

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.CreateCompilation("App", Task, "namespace App; public sealed class Other { }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(Parse("// A comment.\nnamespace App; public sealed class Unrelated { public int Value { get; set; } }"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in s_steps)
        {
            AssertReasons(result, step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        AssertAllOutputs(result, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void Editing_a_task_leaves_the_raw_queue_steps_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation("App", Task);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, "[MrqTask(Path = \"app.Square\")]", "[MrqTask(Path = \"app.Square\", Timeout = 5)]");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.Tasks, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Catalog, IncrementalStepRunReason.Modified);
        foreach (var step in s_rawQueueSteps)
        {
            AssertReasons(result, step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        AssertOutput(result, "App.RawQueues+SquareRaw.g.cs", IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void Changing_a_factory_body_keeps_the_raw_queue_unchanged_and_emits_nothing()
    {
        var compilation = GeneratorHarness.CreateCompilation("App", Task);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, "int.Parse(raw), new Point(0, 0)", "raw.Length, new Point(1, 1)");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.RawQueues, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(result, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void Changing_a_raw_queue_option_modifies_the_raw_queue_and_catalog_but_no_task_step()
    {
        var compilation = GeneratorHarness.CreateCompilation("App", Task);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, "RetryQueue = \"square\"", "RetryQueue = \"square\", HasSubqueues = true");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.RawQueues, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.UniqueRawQueues, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Catalog, IncrementalStepRunReason.Modified);
        foreach (var step in s_taskSteps)
        {
            AssertReasons(result, step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        AssertOutput(result, "App.Square.g.cs", IncrementalStepRunReason.Cached);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "App.RawQueues+SquareRaw.g.cs" && s.SourceText.ToString().Contains("Enqueue(string subqueue, string raw)", StringComparison.Ordinal));
    }

    [Fact]
    public void Adding_a_raw_queue_leaves_the_existing_one_and_the_tasks_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation("App", Task);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(Parse(
            "using Mrq; namespace App; internal static class More { [MrqRawQueue(\"cube_set\")] public static JobRequest CubeSet(string raw) => Tasks.Square.Job(1, new Point(0, 0)); }"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var outputs = result.TrackedSteps[TrackingNames.UniqueRawQueues].SelectMany(static s => s.Outputs).Select(static o => o.Reason).ToList();
        Assert.Equal(2, outputs.Count);
        Assert.Single(outputs, IncrementalStepRunReason.New);
        Assert.Single(outputs, reason => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Catalog, IncrementalStepRunReason.Modified);
        foreach (var step in s_taskSteps)
        {
            AssertReasons(result, step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        AssertOutput(result, "App.RawQueues+SquareRaw.g.cs", IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void A_duplicate_raw_queue_name_removes_both_queues_and_restoring_it_brings_them_back()
    {
        var compilation = GeneratorHarness.CreateCompilation("App", Task);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var duplicate = Parse("using Mrq; namespace App; internal static class More { [MrqRawQueue(\"square_raw\")] public static JobRequest Again(string raw) => Tasks.Square.Job(1, new Point(0, 0)); }");

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(duplicate));
        Assert.DoesNotContain(driver.GetRunResult().Results.Single().GeneratedSources, static s => s.HintName.Contains("RawQueues", StringComparison.Ordinal));

        var restored = driver.RunGenerators(compilation).GetRunResult().Results.Single();
        Assert.Contains(restored.GeneratedSources, static s => s.HintName == "App.RawQueues+SquareRaw.g.cs");
    }

    [Fact]
    public void Changing_a_Run_body_keeps_the_model_unchanged_and_emits_nothing()
    {
        var compilation = GeneratorHarness.CreateCompilation("App", Task);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, "n * n + origin.X", "origin.Y - n");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.Tasks, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(result, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void Renaming_a_param_modifies_the_task_but_not_the_catalog_or_serializers()
    {
        var compilation = GeneratorHarness.CreateCompilation("App", Task);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, "Run(int n, Point origin) => n * n", "Run(int m, Point origin) => m * m");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.Tasks, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.ValidTasks, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Catalog, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Serializers, IncrementalStepRunReason.Unchanged);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "App.Square.g.cs" && s.SourceText.ToString().Contains("Job(int m, global::App.Point origin)", StringComparison.Ordinal));
    }

    [Fact]
    public void Changing_a_param_type_shape_modifies_the_serializers()
    {
        var compilation = GeneratorHarness.CreateCompilation("App", Task);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, "record Point(int X, int Y)", "record Point(int X, int Y, int Z)");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.Tasks, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Serializers, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Catalog, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Adding_a_task_leaves_the_existing_task_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation("App", Task);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(Parse("using Mrq; namespace App; [MrqTask] public sealed class Cube { public int Run(int n) => n * n * n; }"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var outputs = result.TrackedSteps[TrackingNames.Tasks].SelectMany(static s => s.Outputs).Select(static o => o.Reason).ToList();
        Assert.Equal(2, outputs.Count);
        Assert.Single(outputs, IncrementalStepRunReason.New);
        Assert.Single(outputs, reason => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Catalog, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Serializers, IncrementalStepRunReason.Unchanged);
    }

    private static SyntaxTree Parse(string source) => CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions);

    private static Compilation Replace(Compilation compilation, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.ToString().Contains(oldText, StringComparison.Ordinal));
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(tree.ToString().Replace(oldText, newText, StringComparison.Ordinal))));
    }

    private static void AssertReasons(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"Step '{step}' was not tracked.");
        var reasons = runs.SelectMany(static r => r.Outputs).Select(static o => o.Reason).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.Contains(reason, allowed));
    }

    // The reason of the source output step that produced the file named hintName.
    private static void AssertOutput(GeneratorRunResult result, string hintName, IncrementalStepRunReason expected)
    {
        var outputs = result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static r => r.Outputs)
            .Where(o => HintNames(o.Value).Contains(hintName))
            .ToList();
        Assert.True(outputs.Count > 0, $"No output step produced {hintName}.");
        Assert.All(outputs, output => Assert.Equal(expected, output.Reason));
    }

    // An output step's value is Roslyn's internal (sources, diagnostics) pair; the sources carry their hint names.
    private static IEnumerable<string> HintNames(object? value)
    {
        if (value is not System.Runtime.CompilerServices.ITuple { Length: > 0 } tuple || tuple[0] is not System.Collections.IEnumerable sources)
        {
            yield break;
        }

        foreach (var source in sources)
        {
            var property = source.GetType().GetProperty("HintName", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
            if (property?.GetValue(source) is string name)
            {
                yield return name;
            }
        }
    }

    private static void AssertAllOutputs(GeneratorRunResult result, IncrementalStepRunReason expected)
    {
        var reasons = result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static r => r.Outputs).Select(static o => o.Reason).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.Equal(expected, reason));
    }
}
