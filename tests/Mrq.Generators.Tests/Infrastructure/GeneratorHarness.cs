using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Mrq.Generators.Tests.Infrastructure;

/// <summary>Compiles test sources against this process's assemblies (no download) and runs <see cref="TaskGenerator"/>.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // The implicit usings of an SDK-style project, so real project files (the sample's Tasks.cs) compile unchanged.
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    // Everything the test host loads: the framework, Mrq.Abstractions, Mrq.Runtime, MessagePack and DI.
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        [
            .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(static path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Select(static path => (MetadataReference)MetadataReference.CreateFromFile(path)),
        ]);

    public static CSharpCompilation CreateCompilation(string assemblyName, params string[] sources) =>
        CSharpCompilation.Create(
            assemblyName,
            [
                CSharpSyntaxTree.ParseText(GlobalUsings, ParseOptions, path: "GlobalUsings.cs"),
                .. sources.Select(static (source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            ],
            s_references.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                // As the SDK does: binding MessagePack's netstandard references to the running framework is expected.
                specificDiagnosticOptions: [new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new TaskGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator and returns its result and the compilation including the generated files.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        var result = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(result.Exception);
        return (result, output);
    }

    /// <summary>Fails with the list of every warning and error (warnings are errors in our builds).</summary>
    public static void AssertNoDiagnostics(Compilation compilation)
    {
        var problems = compilation.GetDiagnostics()
            .Where(static d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(static d => d.ToString())
            .ToList();
        Assert.True(problems.Count == 0, "The compilation has diagnostics:\n" + string.Join("\n", problems));
    }

    /// <summary>Compiles <paramref name="source"/> with the generated code into a new assembly and loads it.</summary>
    public static System.Reflection.Assembly CompileAndLoad(string source)
    {
        var (_, output) = Run(CreateCompilation("Generated." + Guid.NewGuid().ToString("N"), source));
        AssertNoDiagnostics(output);
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        return System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(stream.ToArray()));
    }

    /// <summary>Calls the only public static <paramref name="method"/> of <paramref name="type"/>, defaults filling the missing arguments.</summary>
    public static object? InvokeStatic(Type type, string method, params object[] arguments)
    {
        // The façades' overloads taking an explicit IMrqClient first are called by the tests that pass one.
        var target = Assert.Single(
            type.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static),
            m => m.Name == method && m.GetParameters().FirstOrDefault()?.ParameterType != typeof(global::Mrq.IMrqClient));
        var parameters = target.GetParameters();
        return target.Invoke(null, parameters.Select((p, i) => i < arguments.Length ? arguments[i] : p.DefaultValue).ToArray());
    }

    /// <summary>The directory of this test project's sources (to find baselines and the sample).</summary>
    public static string ProjectDirectory() => Path.GetDirectoryName(Path.GetDirectoryName(ThisFile()))!;

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    public static string RepositoryFile(string relativePath) =>
        Path.GetFullPath(Path.Combine(ProjectDirectory(), "..", "..", relativePath));
}
