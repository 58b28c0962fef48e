using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Mrq.Generators.Model;
using Mrq.Generators.Tests.Infrastructure;

namespace Mrq.Generators.Tests;

/// <summary>The models crossing pipeline steps are pure values: no Roslyn objects inside, equal when the source is.</summary>
public sealed class ModelTests
{
    [Theory]
    [MemberData(nameof(Scenarios.Names), MemberType = typeof(Scenarios))]
    public void Models_hold_no_symbols_syntax_locations_or_compilations(string scenario)
    {
        var (assemblyName, sources) = Scenarios.Get(scenario);
        var models = ParseModels(GeneratorHarness.CreateCompilation(assemblyName, sources));

        Assert.NotEmpty(models);
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var model in models)
        {
            AssertPure(model, model.GetType().Name, visited);
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios.Names), MemberType = typeof(Scenarios))]
    public void The_same_source_parsed_twice_gives_equal_models_and_hash_codes(string scenario)
    {
        var (assemblyName, sources) = Scenarios.Get(scenario);
        var first = ParseModels(GeneratorHarness.CreateCompilation(assemblyName, sources));
        var second = ParseModels(GeneratorHarness.CreateCompilation(assemblyName, sources));

        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.NotSame(first[i], second[i]);
            Assert.Equal(first[i], second[i]);
            Assert.Equal(first[i].GetHashCode(), second[i].GetHashCode());
        }
    }

    // Every value that leaves a tracked step: task and raw queue specs, and the per-compilation models. A step the
    // scenario never reaches (no tasks, or no raw queues) is not tracked at all.
    private static List<object> ParseModels(Compilation compilation)
    {
        var result = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().Results.Single();
        return
        [
            .. new[] { TrackingNames.ValidTasks, TrackingNames.Catalog, TrackingNames.Serializers, TrackingNames.ValidRawQueues, TrackingNames.RawQueueConflicts, TrackingNames.UniqueRawQueues }
                .SelectMany(step => result.TrackedSteps.TryGetValue(step, out var runs) ? runs : [])
                .SelectMany(static run => run.Outputs)
                .Select(static output => output.Value)
                .Where(static value => value is not null)
                .Select(static value => value!),
        ];
    }

    private static void AssertPure(object? value, string path, HashSet<object> visited)
    {
        if (value is null or string || value.GetType().IsPrimitive || value.GetType().IsEnum || !(value.GetType().IsValueType || visited.Add(value)))
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or SyntaxTree or Location or SemanticModel or Compilation or SyntaxToken,
            $"{path} holds a {value.GetType().FullName}, which roots a compilation and has no value equality.");

        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                AssertPure(item, $"{path}[{i++}]", visited);
            }
        }

        for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                AssertPure(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
        }
    }

    [Fact]
    public void The_model_types_are_sealed_records_or_value_types_with_value_equality()
    {
        var modelTypes = typeof(TaskSpec).Assembly.GetTypes().Where(static t => t.Namespace == typeof(TaskSpec).Namespace && !t.IsAbstract && !t.IsEnum && !t.IsNested).ToList();
        Assert.Contains(typeof(TypeSpec), modelTypes);
        foreach (var type in modelTypes.Where(static t => t.IsClass && t.Name != nameof(TypeSpecs) && t.Name != nameof(EquatableArray)))
        {
            Assert.True(type.IsSealed, $"{type.Name} is not sealed.");
            Assert.NotNull(type.GetMethod("<Clone>$")); // a record: compiler-generated value equality
        }
    }
}
