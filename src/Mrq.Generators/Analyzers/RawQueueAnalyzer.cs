using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Mrq.Generators.Analyzers;

/// <summary>
/// Reports what makes an <c>[MrqRawQueue]</c> factory invalid (MRQ008, MRQ010–MRQ016), with the generator's own parser:
/// the queues it reports are exactly those the generator leaves out.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawQueueAnalyzer : DiagnosticAnalyzer
{
    // Where a local function or lambda is declared, as messages show it: Namespace.Type.Member.
    private static readonly SymbolDisplayFormat s_ownerFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType);

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
        DiagnosticDescriptors.GeneratedClassClash,
    ];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        // Written in each analyzer, not in AnalyzerSetup: RS1025 and RS1026 look for these two calls in Initialize itself.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        AnalyzerSetup.RegisterWhenReferenced(context, static known => known.MrqRawQueueAttribute, static (start, known) =>
        {
            var factories = new ConcurrentBag<Factory>();
            start.RegisterSymbolAction(symbolContext => AnalyzeMethod(symbolContext, known, factories), SymbolKind.Method);
            start.RegisterSyntaxNodeAction(
                nodeContext => AnalyzeLocalFactory(nodeContext, known),
                SyntaxKind.LocalFunctionStatement,
                SyntaxKind.ParenthesizedLambdaExpression);
            start.RegisterCompilationEndAction(end => ReportConflicts(end, factories));
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, KnownTypeSymbols known, ConcurrentBag<Factory> factories)
    {
        var method = (IMethodSymbol)context.Symbol;
        var attribute = AnalyzerSetup.ParseAndReport(
            context,
            known.MrqRawQueueAttribute,
            (found, list) => TaskGenerator.Parser.ParseRawQueue(known, method, found, list, context.CancellationToken),
            out _);
        if (attribute is null)
        {
            return;
        }

        factories.Add(new Factory(
            TaskGenerator.Parser.GetRawQueueName(attribute),
            TaskGenerator.Parser.GetRawQueueNameLocation(attribute, context.CancellationToken),
            TaskGenerator.Parser.GetFactoryName(method),
            TaskGenerator.Parser.GetRawQueueClassName(method),
            method.Locations.FirstOrDefault()));
    }

    // MRQ012: symbol actions never see local functions and lambdas, and the generator only looks at methods of types,
    // so an attribute on them would be silently ignored.
    private static void AnalyzeLocalFactory(SyntaxNodeAnalysisContext context, KnownTypeSymbols known)
    {
        var attributeLists = context.Node switch
        {
            LocalFunctionStatementSyntax local => local.AttributeLists,
            ParenthesizedLambdaExpressionSyntax lambda => lambda.AttributeLists,
            _ => default,
        };
        if (attributeLists.Count == 0)
        {
            return;
        }

        var symbol = context.Node is LocalFunctionStatementSyntax
            ? context.SemanticModel.GetDeclaredSymbol(context.Node, context.CancellationToken) as IMethodSymbol
            : context.SemanticModel.GetSymbolInfo(context.Node, context.CancellationToken).Symbol as IMethodSymbol;
        var attribute = symbol?.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.MrqRawQueueAttribute));
        if (symbol is null || attribute is null)
        {
            return;
        }

        var member = symbol.ContainingSymbol;
        while (member is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
        {
            member = member.ContainingSymbol;
        }

        var owner = member?.ToDisplayString(s_ownerFormat) ?? string.Empty;
        var (name, location, problem) = context.Node switch
        {
            LocalFunctionStatementSyntax local => (
                owner + "." + symbol.Name,
                local.Identifier.GetLocation(),
                "it is a local function, which generated code cannot call; make it a static method of a class"),
            _ => (
                owner + " (lambda)",
                attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation(),
                "it is a lambda, which generated code cannot call; make it a static method of a class"),
        };
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidRawQueueFactory, location, name, problem));
    }

    // MRQ011 and MRQ016 need every factory of the compilation: reported once all symbols are analyzed, on each one.
    private static void ReportConflicts(CompilationAnalysisContext context, ConcurrentBag<Factory> factories)
    {
        AnalyzerSetup.ReportShared(
            factories,
            static f => f.QueueName,
            static f => f.FactoryName,
            (factory, queue, names) => context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateRawQueueName, factory.NameLocation, queue, names)));
        AnalyzerSetup.ReportShared(
            factories,
            static f => f.ClassName,
            static f => f.FactoryName,
            (factory, className, names) => context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateRawQueueClass, factory.MethodLocation, names, className)));
    }

    private sealed record Factory(string? QueueName, Location? NameLocation, string FactoryName, string ClassName, Location? MethodLocation);
}
