using Microsoft.CodeAnalysis.Diagnostics;

namespace Mrq.Generators.Analyzers;

/// <summary>What <see cref="TaskAnalyzer"/> and <see cref="RawQueueAnalyzer"/> do alike: how they start, and how they report a name several declarations share.</summary>
internal static class AnalyzerSetup
{
    /// <summary>
    /// Calls <paramref name="register"/> at the start of each compilation that references the attribute
    /// <paramref name="attribute"/> picks (a compilation without it has nothing to analyze). The callers configure
    /// generated code and concurrency themselves: RS1025 and RS1026 look for those calls in <c>Initialize</c>.
    /// </summary>
    public static void RegisterWhenReferenced(
        AnalysisContext context,
        Func<KnownTypeSymbols, INamedTypeSymbol?> attribute,
        Action<CompilationStartAnalysisContext, KnownTypeSymbols> register)
    {
        context.RegisterCompilationStartAction(start =>
        {
            var known = new KnownTypeSymbols(start.Compilation);
            if (attribute(known) is not null)
            {
                register(start, known);
            }
        });
    }

    /// <summary>
    /// When the analyzed symbol carries the attribute of <paramref name="attributeClass"/>, runs the generator's parser on
    /// it (<paramref name="parse"/>) with a diagnostics list and reports all it finds; returns the attribute, or null.
    /// </summary>
    public static AttributeData? ParseAndReport(
        SymbolAnalysisContext context,
        INamedTypeSymbol? attributeClass,
        Action<AttributeData, List<Diagnostic>> parse,
        out List<Diagnostic> diagnostics)
    {
        diagnostics = [];
        var attribute = context.Symbol.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeClass));
        if (attribute is null)
        {
            return null;
        }

        parse(attribute, diagnostics);
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }

        return attribute;
    }

    /// <summary>
    /// For each key that two or more <paramref name="items"/> share, calls <paramref name="report"/> on each of them with
    /// the key and all their names (ordinal order, comma-separated), so every declaration involved carries the error.
    /// </summary>
    public static void ReportShared<T>(
        IEnumerable<T> items,
        Func<T, string?> key,
        Func<T, string> name,
        Action<T, string, string> report)
    {
        var ordered = items.OrderBy(name, StringComparer.Ordinal).ToList();
        foreach (var group in ordered.Where(i => !string.IsNullOrWhiteSpace(key(i))).GroupBy(i => key(i)!, StringComparer.Ordinal))
        {
            var list = group.ToList();
            if (list.Count < 2)
            {
                continue;
            }

            var names = string.Join(", ", list.Select(name));
            foreach (var item in list)
            {
                report(item, group.Key, names);
            }
        }
    }
}
