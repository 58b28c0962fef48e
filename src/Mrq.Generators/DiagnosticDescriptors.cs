using Microsoft.CodeAnalysis;

namespace Mrq.Generators;

/// <summary>
/// Every diagnostic of Mrq's generator and analyzer. IDs are stable and never reused; keep this file in sync with
/// AnalyzerReleases.Unshipped.md and docs/diagnostics/MRQ0xx.md. All are errors: each one describes a task that would
/// fail at run time, so none may be configured away.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Mrq.Tasks";

    public static readonly DiagnosticDescriptor NoRunMethod = Error(
        "MRQ001",
        "Task class has no public Run or RunAsync method",
        "Task class '{0}' has no public instance method named Run or RunAsync");

    public static readonly DiagnosticDescriptor SeveralRunMethods = Error(
        "MRQ002",
        "Task class has several Run or RunAsync methods",
        "Task class '{0}' has {1} public Run or RunAsync methods; it must have exactly one");

    public static readonly DiagnosticDescriptor UnsupportedType = Error(
        "MRQ003",
        "Unsupported parameter or return type",
        "The type '{0}' of '{1}' is not supported by Mrq's serializer: {2}");

    public static readonly DiagnosticDescriptor InvalidTaskClass = Error(
        "MRQ004",
        "Task class cannot be a task",
        "Class '{0}' cannot be an Mrq task: {1}");

    public static readonly DiagnosticDescriptor DuplicatePath = Error(
        "MRQ005",
        "Duplicate task path",
        "The task path '{0}' is used by several tasks ({1}); task paths must be unique",
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor InvalidOption = Error(
        "MRQ006",
        "Invalid task option",
        "Invalid value for MrqTask option '{0}': {1}");

    public static readonly DiagnosticDescriptor NoUsableConstructor = Error(
        "MRQ007",
        "Task class cannot be constructed",
        "Task class '{0}' cannot be constructed: {1}");

    private static DiagnosticDescriptor Error(string id, string title, string message, params string[] extraTags) =>
        new(
            id,
            title,
            message,
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: $"docs/diagnostics/{id}.md",
            customTags: [WellKnownDiagnosticTags.NotConfigurable, .. extraTags]);
}
