using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    /// <summary>
    /// Turns one <c>[MrqTask]</c> class into a <see cref="TaskSpec"/>, or null when the class is not a valid task.
    /// </summary>
    /// <remarks>
    /// Shared by the generator, which passes no diagnostics list (it emits nothing for invalid tasks and leaves the
    /// reporting to <see cref="Analyzers.TaskAnalyzer"/>), and by the analyzer, which reports what the parser finds.
    /// Locations are only computed when diagnostics are collected. Everything the spec holds is formatted with the
    /// invariant culture, so generated code never depends on the machine's culture.
    /// </remarks>
    internal sealed partial class Parser
    {
        private static readonly SymbolDisplayFormat s_fullNameFormat = SymbolDisplayFormat.FullyQualifiedFormat;

        private static readonly SymbolDisplayFormat s_declaredNameFormat =
            SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private static readonly SymbolDisplayFormat s_namespaceFormat =
            SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

        private static readonly SymbolDisplayFormat s_taskPathFormat = new(
            globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces);

        private static readonly string[] s_runMethodNames = ["Run", "RunAsync"];

        private readonly KnownTypeSymbols _known;

        private readonly List<Diagnostic>? _diagnostics;

        private readonly CancellationToken _cancellationToken;

        private readonly Dictionary<string, TypeSpec> _types = new(StringComparer.Ordinal);

        private readonly HashSet<string> _pending = new(StringComparer.Ordinal);

        private readonly HashSet<string> _failed = new(StringComparer.Ordinal);

        private bool _isValid = true;

        // The parameter (or, for the result, the method) whose type is being analyzed: where MRQ003 is reported.
        private ISymbol? _typeRoot;

        private Parser(KnownTypeSymbols known, List<Diagnostic>? diagnostics, CancellationToken cancellationToken)
        {
            _known = known;
            _diagnostics = diagnostics;
            _cancellationToken = cancellationToken;
        }

        /// <summary>The generator's transform: parses the attributed class without collecting diagnostics.</summary>
        public static TaskSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
            ParseTarget<INamedTypeSymbol, TaskSpec>(context, cancellationToken, static (parser, type, attribute) => parser.ParseTask(type, attribute));

        /// <summary>Parses <paramref name="type"/>, adding what is wrong with it to <paramref name="diagnostics"/> if given.</summary>
        public static TaskSpec? Parse(
            KnownTypeSymbols known,
            INamedTypeSymbol type,
            AttributeData attribute,
            List<Diagnostic>? diagnostics,
            CancellationToken cancellationToken) =>
            new Parser(known, diagnostics, cancellationToken).ParseTask(type, attribute);

        /// <summary>The task path: the attribute's <c>Path</c>, else the namespace-qualified class name.</summary>
        public static string GetPath(INamedTypeSymbol type, AttributeData attribute) =>
            GetNamedArgument(attribute, "Path") as string ?? type.ToDisplayString(s_taskPathFormat);

        /// <summary>Where a problem with the path is reported: the <c>Path = ...</c> argument, else the class name.</summary>
        public static Location? GetPathLocation(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
        {
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            return GetArgumentSyntax(syntax, "Path")?.GetLocation() ?? GetClassLocation(type, syntax);
        }

        // Both transforms of the generator (tasks and raw queues): the attributed symbol, parsed without diagnostics.
        private static TSpec? ParseTarget<TSymbol, TSpec>(
            GeneratorAttributeSyntaxContext context,
            CancellationToken cancellationToken,
            Func<Parser, TSymbol, AttributeData, TSpec?> parse)
            where TSymbol : class, ISymbol
            where TSpec : class =>
            context.TargetSymbol is TSymbol symbol && !context.Attributes.IsEmpty
                ? parse(new Parser(new KnownTypeSymbols(context.SemanticModel.Compilation), diagnostics: null, cancellationToken), symbol, context.Attributes[0])
                : null;

        private TaskSpec? ParseTask(INamedTypeSymbol type, AttributeData attribute)
        {
            var attributeSyntax = GetAttributeSyntax(attribute);

            var path = GetPath(type, attribute);
            var queue = GetNamedArgument(attribute, "Queue") as string ?? "default";
            var options = ReadOptions(type, attribute, attributeSyntax);

            // A class that cannot be a task at all gets that one error, not also the ones its shape would cause.
            if (!CheckTaskClass(type, attributeSyntax))
            {
                return null;
            }

            var facadePath = FacadeNames.GetPath(type);
            CheckFacade(type, facadePath, attributeSyntax);
            var method = FindRunMethod(type, attributeSyntax);
            var dependencies = ReadConstructor(type, attributeSyntax);
            if (method is null)
            {
                return null;
            }

            if (method.IsAsync && method.ReturnsVoid)
            {
                ReportWarning(DiagnosticDescriptors.AsyncVoidRun, method.Locations.FirstOrDefault(), method.Name, type.Name);
            }

            var returnKind = ReadReturnKind(method, out var resultType);
            TypeRef? result = null;
            if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            {
                ReportUnsupported(method.ReturnType, MemberPath(type, method, "return"), "ref returns are not supported", method);
            }
            else if (resultType is not null)
            {
                result = AnalyzeRoot(resultType, MemberPath(type, method, "return"), method);
            }

            if (method.IsGenericMethod)
            {
                ReportUnsupported(method.TypeParameters[0], $"{type.Name}.{method.Name}", "generic Run methods are not supported", method.TypeParameters[0]);
            }

            var parameters = new List<ParameterSpec>(method.Parameters.Length);
            foreach (var parameter in method.Parameters)
            {
                var spec = ReadParameter(type, method, parameter);
                if (spec is not null)
                {
                    parameters.Add(spec);
                }
            }

            if (!_isValid || dependencies is null)
            {
                return null;
            }

            return new TaskSpec
            {
                Namespace = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString(s_namespaceFormat),
                TaskType = type.ToDisplayString(s_fullNameFormat),
                FacadePath = facadePath.ToEquatableArray(),
                FacadePublic = FacadeNames.GetPublicFlags(type).ToEquatableArray(),
                HintName = GetHintName(type),
                GeneratedNamespace = Identifiers.GeneratedNamespace(_known.Compilation.AssemblyName),
                Path = path,
                Queue = queue,
                Options = options,
                MethodName = method.Name,
                ReturnKind = returnKind,
                Result = result,
                Parameters = parameters.ToEquatableArray(),
                Dependencies = dependencies.ToEquatableArray(),
                Disposal = GetDisposal(type),
                Types = _types.Values.OrderBy(static t => t.FullName, StringComparer.Ordinal).ToEquatableArray(),
            };
        }
    }
}
