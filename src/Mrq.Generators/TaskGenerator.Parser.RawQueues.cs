using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Parser
    {
        // Members of every generated RawQueues.<Method> class: a factory named like one would make the class invalid
        // (CS0542 for the class's own name, CS0102/CS0111 for the others).
        private static readonly HashSet<string> s_rawQueueMemberNames =
            [FacadeNames.RawQueuesContainer, "Name", "Enqueue", "EnqueueAsync", "EnqueueMany", "EnqueueManyAsync"];

        /// <summary>
        /// The statuses a raw queue may leave unstored, by <c>Mrq.JobStatus</c> member name, and why the others may not
        /// (docs/diagnostics/MRQ015.md explains the choice).
        /// </summary>
        private static readonly Dictionary<string, string?> s_statusesNoStorage = new(System.StringComparer.Ordinal)
        {
            ["Queued"] = "a raw job is never queued before it runs, and once requeued it is found through its stored 'queued' document; not storing it would lose the job",
            ["Started"] = null,
            ["Success"] = null,
            ["Failed"] = null,
            ["Retry"] = "a job waiting for its retry is requeued from its stored 'retry' document; not storing it would drop a job that asked to run again",
            ["MaxRetries"] = null,
            ["Abort"] = null,
            ["Cancel"] = null,
            ["Interrupt"] = "jobs stopped with their worker are requeued from their stored 'interrupt' document; not storing it would lose them",
            ["Timeout"] = null,
            ["MaxConcurrency"] = null,
        };

        /// <summary>The generator's transform: parses the attributed method without collecting diagnostics.</summary>
        public static RawQueueSpec? ParseRawQueue(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
            ParseTarget<IMethodSymbol, RawQueueSpec>(context, cancellationToken, static (parser, method, attribute) => parser.ParseRawQueue(method, attribute));

        /// <summary>Parses a raw queue factory, adding what is wrong with it to <paramref name="diagnostics"/> if given.</summary>
        // The analyzer's entry, shaped like Parse's for tasks on purpose: one typed entry per attribute.
        public static RawQueueSpec? ParseRawQueue(
            KnownTypeSymbols known,
            IMethodSymbol method,
            AttributeData attribute,
            List<Diagnostic>? diagnostics,
            CancellationToken cancellationToken) =>
            new Parser(known, diagnostics, cancellationToken).ParseRawQueue(method, attribute);

        /// <summary>The declared raw queue name, or null when the attribute has none (a compiler error).</summary>
        public static string? GetRawQueueName(AttributeData attribute) =>
            attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;

        /// <summary>Where a problem with the raw queue name is reported: the name argument.</summary>
        public static Location? GetRawQueueNameLocation(AttributeData attribute, CancellationToken cancellationToken) =>
            GetPositionalArgumentSyntax(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?.GetLocation();

        /// <summary>The factory as messages name it: <c>Namespace.Type.Method</c>.</summary>
        public static string GetFactoryName(IMethodSymbol method) =>
            method.ContainingType.ToDisplayString(s_taskPathFormat) + "." + method.Name;

        /// <summary>The class generated for a factory, for messages: <c>Namespace.RawQueues.Method</c>.</summary>
        public static string GetRawQueueClassName(IMethodSymbol method) =>
            (method.ContainingNamespace.IsGlobalNamespace ? string.Empty : method.ContainingNamespace.ToDisplayString(s_namespaceFormat) + ".") + "RawQueues." + method.Name;

        private RawQueueSpec? ParseRawQueue(IMethodSymbol method, AttributeData attribute)
        {
            if (attribute.ConstructorArguments.Length != 1)
            {
                return null;
            }

            var attributeSyntax = GetAttributeSyntax(attribute);

            var name = GetRawQueueName(attribute);
            var nameLocation = GetPositionalArgumentSyntax(attributeSyntax)?.GetLocation();
            RawQueueType? type = null;
            if (CheckQueueName(name, isRawQueueName: true, $"the raw queue of '{GetFactoryName(method)}'", nameLocation))
            {
                if (RawQueueRule.TryGetType(name!, out var rawType, out _))
                {
                    type = rawType;
                }
                else
                {
                    Report(DiagnosticDescriptors.RawQueueNameWithoutType, nameLocation, name!);
                }
            }

            name ??= string.Empty;
            var retryQueue = "default";
            var pushbackSeconds = 0;
            var hasSubqueues = false;
            var statuses = new List<string>();
            foreach (var argument in attribute.NamedArguments)
            {
                var location = GetArgumentSyntax(attributeSyntax, argument.Key)?.GetLocation();
                switch (argument.Key)
                {
                    case "RetryQueue":
                        retryQueue = argument.Value.Value as string ?? string.Empty;
                        if (CheckQueueName(argument.Value.Value as string, isRawQueueName: false, $"the RetryQueue of raw queue '{name}'", location)
                            && RawQueueRule.TryGetType(retryQueue, out _, out var suffix))
                        {
                            Report(DiagnosticDescriptors.RetryQueueIsRaw, location, retryQueue, name, suffix);
                        }

                        break;
                    case "PushbackSeconds" when argument.Value.Value is int seconds:
                        pushbackSeconds = seconds;
                        if (seconds < 0)
                        {
                            Report(DiagnosticDescriptors.InvalidPushbackSeconds, location, name, $"it must be 0 (dequeued members are removed) or a positive number of seconds, not {Format(seconds)}");
                        }
                        else if (seconds > 0 && type is { } actual && actual != RawQueueType.TimedSet)
                        {
                            Report(DiagnosticDescriptors.InvalidPushbackSeconds, location, name, $"only timed sets ('_timed_set') push dequeued members back; this queue is {Describe(actual)}");
                        }

                        break;
                    case "StatusesNoStorage":
                        ReadStatusesNoStorage(argument.Value, name, GetArgumentSyntax(attributeSyntax, argument.Key), statuses);
                        break;
                    case "HasSubqueues" when argument.Value.Value is bool value:
                        hasSubqueues = value;
                        break;
                }
            }

            CheckFactory(method);
            if (method.ContainingType is { Name: FacadeNames.RawQueuesContainer, Arity: 0, ContainingType: null })
            {
                // Its generated class RawQueues.<Method> would sit next to the method itself (CS0102).
                Report(
                    DiagnosticDescriptors.GeneratedClassClash,
                    method.Locations.FirstOrDefault(),
                    GetRawQueueClassName(method),
                    $"raw queue factory '{GetFactoryName(method)}'",
                    "the factory itself; declare it in a class not named RawQueues");
            }
            else
            {
                CheckGeneratedContainer(
                    method.ContainingNamespace,
                    FacadeNames.RawQueuesContainer,
                    [method.Name],
                    $"raw queue factory '{GetFactoryName(method)}'",
                    method.Locations.FirstOrDefault(),
                    self: null);
            }
            if (!_isValid || type is null)
            {
                return null;
            }

            return new RawQueueSpec
            {
                Namespace = method.ContainingNamespace.IsGlobalNamespace ? string.Empty : method.ContainingNamespace.ToDisplayString(s_namespaceFormat),
                ClassName = method.Name,
                GeneratedNamespace = Identifiers.GeneratedNamespace(_known.Compilation.AssemblyName),
                Name = name,
                Type = type.Value,
                FactoryName = GetFactoryName(method),
                Factory = method.ContainingType.ToDisplayString(s_fullNameFormat) + "." + Identifiers.Escape(method.Name),
                RetryQueue = retryQueue,
                StatusesNoStorage = statuses.ToEquatableArray(),
                PushbackSeconds = pushbackSeconds,
                HasSubqueues = hasSubqueues,
            };
        }

        // MRQ015: each listed status must be one a raw job can go without, and listed once.
        private void ReadStatusesNoStorage(TypedConstant value, string queue, AttributeArgumentSyntax? argumentSyntax, List<string> statuses)
        {
            if (value.Kind != TypedConstantKind.Array || value.IsNull)
            {
                return;
            }

            for (var i = 0; i < value.Values.Length; i++)
            {
                var number = value.Values[i].Value;
                var status = _known.JobStatus?.GetMembers()
                    .OfType<IFieldSymbol>()
                    .FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, number))?.Name;
                string? problem;
                if (status is null || !s_statusesNoStorage.TryGetValue(status, out problem))
                {
                    problem = "it is not a job status";
                }
                else if (statuses.Contains(status))
                {
                    problem = "it is listed twice";
                }

                if (problem is null)
                {
                    statuses.Add(status!);
                    continue;
                }

                var location = (GetElementSyntax(argumentSyntax, i) ?? (SyntaxNode?)argumentSyntax)?.GetLocation();
                var shown = status is null ? $"'{number}'" : "JobStatus." + status;
                Report(DiagnosticDescriptors.InvalidStatusNoStorage, location, queue, shown, problem);
            }
        }

        // MRQ012: generated code calls the factory as a RawJobFactory (string -> JobRequest) from another file.
        private void CheckFactory(IMethodSymbol method)
        {
            var syntax = _diagnostics is null
                ? null
                : method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) as MethodDeclarationSyntax;
            var identifier = syntax?.Identifier.GetLocation() ?? method.Locations.FirstOrDefault();
            var name = GetFactoryName(method);

            if (!method.IsStatic)
            {
                Report(DiagnosticDescriptors.InvalidRawQueueFactory, identifier, name, "it must be static");
            }
            else if (method.IsAbstract || method.IsVirtual)
            {
                Report(DiagnosticDescriptors.InvalidRawQueueFactory, identifier, name, "abstract and virtual static interface members cannot be called through their interface");
            }

            if (method.IsGenericMethod || IsGeneric(method.ContainingType))
            {
                Report(DiagnosticDescriptors.InvalidRawQueueFactory, identifier, name, "generic methods, and methods of generic types, are not supported");
            }
            else if (!IsAccessible(method))
            {
                Report(DiagnosticDescriptors.InvalidRawQueueFactory, identifier, name, "generated code cannot see it; it must be public or internal, and so must every type containing it");
            }

            if (s_rawQueueMemberNames.Contains(method.Name))
            {
                Report(DiagnosticDescriptors.InvalidRawQueueFactory, identifier, name, $"its name is also a member of the generated class RawQueues.{method.Name}; rename it");
            }

            if (method.Parameters.Length != 1)
            {
                Report(DiagnosticDescriptors.InvalidRawQueueFactory, identifier, name, $"it must take exactly one parameter, the raw param (a string), not {Format(method.Parameters.Length)}");
            }
            else if (method.Parameters[0] is var parameter && (parameter.Type.SpecialType != SpecialType.System_String || parameter.RefKind != RefKind.None))
            {
                Report(
                    DiagnosticDescriptors.InvalidRawQueueFactory,
                    parameter.Locations.FirstOrDefault(),
                    name,
                    $"its parameter must be the raw param, a string passed by value, not '{parameter.Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}'{(parameter.RefKind == RefKind.None ? string.Empty : " passed by reference")}");
            }

            if (method.ReturnsByRef || method.ReturnsByRefReadonly || !SymbolEqualityComparer.Default.Equals(method.ReturnType, _known.JobRequest))
            {
                Report(
                    DiagnosticDescriptors.InvalidRawQueueFactory,
                    syntax?.ReturnType.GetLocation() ?? identifier,
                    name,
                    $"it must return Mrq.JobRequest{(method.ReturnsByRef || method.ReturnsByRefReadonly ? " by value" : string.Empty)}, not '{method.ReturnType.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}'");
            }
        }

        private bool IsAccessible(IMethodSymbol method)
        {
            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                if (type.IsFileLocal)
                {
                    return false;
                }
            }

            return _known.Compilation.IsSymbolAccessibleWithin(method, _known.Compilation.Assembly);
        }

        private static string Describe(RawQueueType type) => type switch
        {
            RawQueueType.List => "a list ('_raw')",
            RawQueueType.Set => "a set ('_set')",
            _ => "a sorted set ('_sorted_set')",
        };

        // The name: the first argument that is not `Name = value`, possibly written `name: value`.
        private static AttributeArgumentSyntax? GetPositionalArgumentSyntax(AttributeSyntax? attributeSyntax) =>
            attributeSyntax?.ArgumentList?.Arguments.FirstOrDefault(static a => a.NameEquals is null);

        // One element of an array argument, however the array is written.
        private static ExpressionSyntax? GetElementSyntax(AttributeArgumentSyntax? argument, int index)
        {
            var elements = argument?.Expression switch
            {
                CollectionExpressionSyntax collection => collection.Elements.Select(static e => (e as ExpressionElementSyntax)?.Expression).ToList(),
                ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions.Select(static e => (ExpressionSyntax?)e).ToList(),
                ImplicitArrayCreationExpressionSyntax creation => creation.Initializer.Expressions.Select(static e => (ExpressionSyntax?)e).ToList(),
                _ => null,
            };
            return elements is not null && index < elements.Count ? elements[index] : null;
        }
    }
}
