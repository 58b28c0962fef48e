using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mrq.Generators.Tests.Infrastructure;

namespace Mrq.Generators.Tests;

/// <summary>What each kind of edit re-runs, read from the generator's tracked steps.</summary>
public sealed class IncrementalTests
{
    private static readonly string[] s_steps =
        [TrackingNames.Tasks, TrackingNames.ValidTasks, TrackingNames.AllTasks, TrackingNames.Serializers, TrackingNames.Catalog];

    private const string Task = """
        using Mrq;

        namespace App;

        public sealed record Point(int X, int Y);

        [MrqTask(Path = "app.Square")]
        public sealed class Square
        {
            public int Run(int n, Point origin) => n * n + origin.X;
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

    private static void AssertAllOutputs(GeneratorRunResult result, IncrementalStepRunReason expected)
    {
        var reasons = result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static r => r.Outputs).Select(static o => o.Reason).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.Equal(expected, reason));
    }
}
