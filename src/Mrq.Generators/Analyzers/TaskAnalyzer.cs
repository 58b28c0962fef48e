using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Mrq.Generators.Analyzers;

/// <summary>
/// Reports what makes an <c>[MrqTask]</c> class invalid (MRQ001–MRQ009) or its Run method harmful to the worker
/// (MRQ017, MRQ018), with the generator's own parser, so the rules the generator relies on and the errors users see
/// never drift apart.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TaskAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.NoRunMethod,
        DiagnosticDescriptors.SeveralRunMethods,
        DiagnosticDescriptors.UnsupportedType,
        DiagnosticDescriptors.InvalidTaskClass,
        DiagnosticDescriptors.DuplicatePath,
        DiagnosticDescriptors.InvalidOption,
        DiagnosticDescriptors.NoUsableConstructor,
        DiagnosticDescriptors.InvalidQueueName,
        DiagnosticDescriptors.TaskQueueIsRaw,
        DiagnosticDescriptors.AsyncVoidRun,
        DiagnosticDescriptors.BlockingWaitInRun,
        DiagnosticDescriptors.InvalidTaskPath,
        DiagnosticDescriptors.GeneratedClassClash,
        DiagnosticDescriptors.DuplicateFacade,
    ];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        // Written in each analyzer, not in AnalyzerSetup: RS1025 and RS1026 look for these two calls in Initialize itself.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        AnalyzerSetup.RegisterWhenReferenced(context, static known => known.MrqTaskAttribute, static (start, known) =>
        {
            var paths = new ConcurrentBag<(string Path, string Task, Location? Location)>();
            var facades = new ConcurrentBag<Facade>();
            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, known, paths, facades), SymbolKind.NamedType);
            start.RegisterOperationBlockAction(blockContext => AnalyzeRunBody(blockContext, known));
            start.RegisterCompilationEndAction(end =>
            {
                ReportDuplicatePaths(end, paths);
                ReportFacadeConflicts(end, facades);
            });
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownTypeSymbols known, ConcurrentBag<(string, string, Location?)> paths, ConcurrentBag<Facade> facades)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = AnalyzerSetup.ParseAndReport(
            context,
            known.MrqTaskAttribute,
            (found, list) => TaskGenerator.Parser.Parse(known, type, found, list, context.CancellationToken),
            out var diagnostics);
        if (attribute is null)
        {
            return;
        }

        // Only tasks the generator would emit can clash by their façade (as the generator sees them).
        if (!diagnostics.Any(static d => d.Severity == DiagnosticSeverity.Error))
        {
            facades.Add(new Facade(FacadeNames.GetDisplayName(type), FacadeNames.GetPath(type), type.ToDisplayString(), type.Locations.FirstOrDefault()));
        }

        var path = TaskGenerator.Parser.GetPath(type, attribute);
        if (!string.IsNullOrWhiteSpace(path))
        {
            paths.Add((path, type.ToDisplayString(), TaskGenerator.Parser.GetPathLocation(type, attribute, context.CancellationToken)));
        }
    }

    // MRQ018: bound operations of the Run body that wait synchronously for a task.
    private static void AnalyzeRunBody(OperationBlockAnalysisContext context, KnownTypeSymbols known)
    {
        if (context.OwningSymbol is not IMethodSymbol method
            || !TaskGenerator.Parser.IsRunMethod(method)
            || !method.ContainingType.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.MrqTaskAttribute)))
        {
            return;
        }

        foreach (var block in context.OperationBlocks)
        {
            foreach (var operation in block.Descendants())
            {
                if (TaskGenerator.Parser.DescribeBlockingWait(operation, known) is { } wait)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingWaitInRun, operation.Syntax.GetLocation(), method.Name, method.ContainingType.Name, wait));
                }
            }
        }
    }

    // MRQ005 needs every task of the compilation: reported once all symbols are analyzed, on each task sharing a path.
    private static void ReportDuplicatePaths(CompilationAnalysisContext context, ConcurrentBag<(string Path, string Task, Location? Location)> paths) =>
        AnalyzerSetup.ReportShared(
            paths,
            static p => p.Path,
            static p => p.Task,
            (task, path, names) => context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicatePath, task.Location, path, names)));

    // MRQ021: a façade claimed by several tasks, or named like the class containing it; the generator leaves both out.
    private static void ReportFacadeConflicts(CompilationAnalysisContext context, ConcurrentBag<Facade> facades)
    {
        foreach (var group in facades.GroupBy(static f => f.DisplayName, StringComparer.Ordinal))
        {
            var tasks = group.OrderBy(static f => f.Task, StringComparer.Ordinal).ToList();
            foreach (var facade in tasks)
            {
                if (TaskGenerator.Parser.HasNameOfContainingClass(facade.Path))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateFacade, facade.Location, group.Key, facade.Task, "would have the name of the class containing it"));
                }
                else if (tasks.Count > 1)
                {
                    var others = string.Join(", ", tasks.Where(t => !ReferenceEquals(t, facade)).Select(static t => $"'{t.Task}'"));
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateFacade, facade.Location, group.Key, facade.Task, $"is also the façade of {others}"));
                }
            }
        }
    }

    private sealed record Facade(string DisplayName, string[] Path, string Task, Location? Location);
}
