using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Mrq.Generators.Analyzers;

/// <summary>
/// Reports what makes an <c>[MrqRawQueue]</c> factory invalid (MRQ008, MRQ010–MRQ016), with the generator's own parser:
/// the queues it reports are exactly those the generator leaves out.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawQueueAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.InvalidQueueName,
        DiagnosticDescriptors.RawQueueNameWithoutType,
        DiagnosticDescriptors.DuplicateRawQueueName,
        DiagnosticDescriptors.InvalidRawQueueFactory,
        DiagnosticDescriptors.RetryQueueIsRaw,
        DiagnosticDescriptors.InvalidPushbackSeconds,
        DiagnosticDescriptors.InvalidStatusNoStorage,
        DiagnosticDescriptors.DuplicateRawQueueClass,
    ];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var known = new KnownTypeSymbols(start.Compilation);
            if (known.MrqRawQueueAttribute is null)
            {
                return;
            }

            var factories = new ConcurrentBag<Factory>();
            start.RegisterSymbolAction(symbolContext => AnalyzeMethod(symbolContext, known, factories), SymbolKind.Method);
            start.RegisterCompilationEndAction(end => ReportConflicts(end, factories));
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, KnownTypeSymbols known, ConcurrentBag<Factory> factories)
    {
        var method = (IMethodSymbol)context.Symbol;
        var attribute = method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.MrqRawQueueAttribute));
        if (attribute is null)
        {
            return;
        }

        var diagnostics = new List<Diagnostic>();
        TaskGenerator.Parser.ParseRawQueue(known, method, attribute, diagnostics, context.CancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }

        factories.Add(new Factory(
            TaskGenerator.Parser.GetRawQueueName(attribute),
            TaskGenerator.Parser.GetRawQueueNameLocation(attribute, context.CancellationToken),
            TaskGenerator.Parser.GetFactoryName(method),
            TaskGenerator.Parser.GetRawQueueClassName(method),
            method.Locations.FirstOrDefault()));
    }

    // MRQ011 and MRQ016 need every factory of the compilation: reported once all symbols are analyzed, on each one.
    private static void ReportConflicts(CompilationAnalysisContext context, ConcurrentBag<Factory> factories)
    {
        var all = factories.OrderBy(static f => f.FactoryName, StringComparer.Ordinal).ToList();
        foreach (var group in all.Where(static f => !string.IsNullOrWhiteSpace(f.QueueName)).GroupBy(static f => f.QueueName!, StringComparer.Ordinal))
        {
            var list = group.ToList();
            if (list.Count > 1)
            {
                var names = string.Join(", ", list.Select(static f => f.FactoryName));
                foreach (var factory in list)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateRawQueueName, factory.NameLocation, group.Key, names));
                }
            }
        }

        foreach (var group in all.GroupBy(static f => f.ClassName, StringComparer.Ordinal))
        {
            var list = group.ToList();
            if (list.Count > 1)
            {
                var names = string.Join(", ", list.Select(static f => f.FactoryName));
                foreach (var factory in list)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateRawQueueClass, factory.MethodLocation, names, group.Key));
                }
            }
        }
    }

    private sealed record Factory(string? QueueName, Location? NameLocation, string FactoryName, string ClassName, Location? MethodLocation);
}
