using System.Text;
using System.Text.RegularExpressions;
using Mrq.Generators.Tests.Infrastructure;

namespace Mrq.Generators.Tests;

/// <summary>
/// Compares every generated file with its checked-in baseline under Baselines/&lt;Scenario&gt;/&lt;HintName&gt;.txt, and
/// checks the generated code compiles without warnings. Set MRQ_UPDATE_BASELINES=1 to rewrite the baselines instead.
/// </summary>
public sealed partial class BaselineTests
{
    private const string VersionPlaceholder = "%VERSION%";

    [Theory]
    [MemberData(nameof(Scenarios.Names), MemberType = typeof(Scenarios))]
    public void Generated_files_match_the_baselines(string scenario)
    {
        var (assemblyName, sources) = Scenarios.Get(scenario);
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(assemblyName, sources));

        GeneratorHarness.AssertNoDiagnostics(output);
        var generated = result.GeneratedSources.ToDictionary(
            static s => s.HintName + ".txt",
            static s => GeneratedCodeVersion().Replace(s.SourceText.ToString(), $"\"Mrq.Generators\", \"{VersionPlaceholder}\""),
            StringComparer.Ordinal);

        var directory = Path.Combine(GeneratorHarness.ProjectDirectory(), "Baselines", scenario);
        if (Environment.GetEnvironmentVariable("MRQ_UPDATE_BASELINES") == "1")
        {
            Update(directory, generated);
            return;
        }

        if (!Directory.Exists(directory))
        {
            directory = Path.Combine(AppContext.BaseDirectory, "Baselines", scenario);
        }

        Assert.True(Directory.Exists(directory), $"No baselines for '{scenario}'; run the tests with MRQ_UPDATE_BASELINES=1.");
        var expectedFiles = Directory.GetFiles(directory, "*.txt").Select(static f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedFiles, generated.Keys.Order(StringComparer.Ordinal).ToList());
        foreach (var (file, text) in generated)
        {
            AssertSameText(Path.Combine(directory, file), File.ReadAllText(Path.Combine(directory, file)), text);
        }
    }

    [Fact]
    public void Generated_files_do_not_depend_on_the_current_culture()
    {
        var (assemblyName, sources) = Scenarios.Get("EdgeCases");
        var invariant = Generate();

        // A culture where 0.5 prints as "0,5" and -1 as "−1" (U+2212), as fi-FI does; built by hand because the tests
        // run with invariant globalization.
        var culture = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NegativeSign = "\u2212";
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = culture;
        try
        {
            Assert.Equal(invariant, Generate());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }

        List<string> Generate() =>
            [.. GeneratorHarness.Run(GeneratorHarness.CreateCompilation(assemblyName, sources)).Result.GeneratedSources.Select(static s => s.SourceText.ToString())];
    }

    private static void Update(string directory, Dictionary<string, string> generated)
    {
        Directory.CreateDirectory(directory);
        foreach (var stale in Directory.GetFiles(directory, "*.txt").Where(f => !generated.ContainsKey(Path.GetFileName(f))))
        {
            File.Delete(stale);
        }

        foreach (var (file, text) in generated)
        {
            File.WriteAllText(Path.Combine(directory, file), text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
    }

    // Reports the first differing line, which is far easier to act on than two whole files.
    private static void AssertSameText(string file, string expected, string actual)
    {
        expected = expected.ReplaceLineEndings("\n");
        if (expected == actual)
        {
            return;
        }

        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var line = 0;
        while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
        {
            line++;
        }

        Assert.Fail(
            $"{file} differs at line {line + 1}:\n" +
            $"  expected: {(line < expectedLines.Length ? expectedLines[line] : "<end of file>")}\n" +
            $"  actual:   {(line < actualLines.Length ? actualLines[line] : "<end of file>")}\n" +
            "Run the tests with MRQ_UPDATE_BASELINES=1 to accept the new output.");
    }

    [GeneratedRegex("\"Mrq\\.Generators\", \"[^\"]*\"")]
    private static partial Regex GeneratedCodeVersion();
}
