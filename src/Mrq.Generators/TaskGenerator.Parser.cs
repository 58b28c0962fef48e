using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Mrq.Generators.Model;

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
        public static TaskSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.IsEmpty)
            {
                return null;
            }

            var known = new KnownTypeSymbols(context.SemanticModel.Compilation);
            return Parse(known, type, context.Attributes[0], diagnostics: null, cancellationToken);
        }

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

        private TaskSpec? ParseTask(INamedTypeSymbol type, AttributeData attribute)
        {
            var attributeSyntax = _diagnostics is null
                ? null
                : attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) as AttributeSyntax;

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

        // MRQ004: the class must be something generated code can instantiate.
        private bool CheckTaskClass(INamedTypeSymbol type, AttributeSyntax? attributeSyntax)
        {
            string? reason = null;
            if (type.IsRecord)
            {
                reason = "records are not supported as task classes; declare a class";
            }
            else if (type.IsStatic)
            {
                reason = "static classes cannot be instantiated";
            }
            else if (type.IsAbstract)
            {
                reason = "abstract classes cannot be instantiated";
            }
            else if (IsGeneric(type))
            {
                reason = "generic classes, and classes nested in generic types, are not supported";
            }
            else if (type.IsFileLocal || !IsAccessible(type))
            {
                reason = "generated code cannot see it; it must be public or internal, and so must every type containing it";
            }
            else if (IsObsoleteAsError(type))
            {
                reason = "it, or a type containing it, is [Obsolete] as an error, so generated code cannot use it";
            }

            if (reason is null)
            {
                return true;
            }

            Report(DiagnosticDescriptors.InvalidTaskClass, GetClassLocation(type, attributeSyntax), type.Name, reason);
            return false;
        }

        // MRQ020: the namespace's Tasks class must be one the generated façades can merge with. MRQ021: a façade named
        // like the class containing it (Tasks.JobTask.JobTask, for a class JobTask nested in a class Job) cannot be
        // declared; the analyzer reports that at the end of the compilation, with the façades claimed twice.
        private void CheckFacade(INamedTypeSymbol type, string[] facadePath, AttributeSyntax? attributeSyntax)
        {
            CheckGeneratedContainer(type.ContainingNamespace, FacadeNames.Container, facadePath, $"task '{type.Name}'", GetClassLocation(type, attributeSyntax), type);
            if (HasNameOfContainingClass(facadePath))
            {
                _isValid = false;
            }
        }

        /// <summary>Whether a class of <paramref name="facadePath"/> has the name of the class containing it (CS0542).</summary>
        internal static bool HasNameOfContainingClass(string[] facadePath)
        {
            for (var i = 1; i < facadePath.Length; i++)
            {
                if (facadePath[i] == facadePath[i - 1])
                {
                    return true;
                }
            }

            return false;
        }

        private bool CheckGeneratedContainer(INamespaceSymbol ns, string container, IReadOnlyList<string> path, string owner, Location? location, INamedTypeSymbol? self)
        {
            var clash = FacadeNames.FindContainerClash(_known.Compilation, ns, container, path, self, _cancellationToken);
            if (clash is null)
            {
                return true;
            }

            Report(DiagnosticDescriptors.GeneratedClassClash, location, FacadeNames.Qualify(ns, container), owner, clash);
            return false;
        }

        // MRQ006: option values the runtime would reject or misread; MRQ008 / MRQ009: the default queue's name.
        private TaskOptions ReadOptions(INamedTypeSymbol type, AttributeData attribute, AttributeSyntax? attributeSyntax)
        {
            var options = TaskOptions.None;
            foreach (var argument in attribute.NamedArguments)
            {
                var name = argument.Key;
                var value = argument.Value.Value;
                string? problem = null;
                switch (name)
                {
                    case "Path":
                        if (TaskPaths.GetProblem(value as string) is { } pathProblem)
                        {
                            Report(DiagnosticDescriptors.InvalidTaskPath, GetArgumentSyntax(attributeSyntax, name)?.GetLocation(), SymbolDisplay.FormatLiteral(value as string ?? string.Empty, quote: false), type.Name, pathProblem);
                        }

                        break;
                    case "Queue" when value is string queue:
                        var location = GetArgumentSyntax(attributeSyntax, name)?.GetLocation();
                        if (CheckQueueName(queue, isRawQueueName: false, $"the Queue of task '{type.Name}'", location)
                            && RawQueueRule.TryGetType(queue, out _, out var suffix))
                        {
                            Report(DiagnosticDescriptors.TaskQueueIsRaw, location, queue, type.Name, suffix);
                        }

                        break;
                    default:
                        if (value is int number && FindOption(name) is { } option)
                        {
                            if (!option.Accepts(number))
                            {
                                problem = option.DescribeProblem(number);
                            }

                            options = options.With(option, number);
                        }

                        break;
                }

                if (problem is not null)
                {
                    Report(DiagnosticDescriptors.InvalidOption, GetArgumentSyntax(attributeSyntax, name)?.GetLocation(), name, problem);
                }
            }

            return options;
        }

        // The row of the task option table for the attribute property <paramref name="name"/>, or null.
        private static TaskOption? FindOption(string name)
        {
            foreach (var option in TaskOption.All)
            {
                if (option.AttributeName == name)
                {
                    return option;
                }
            }

            return null;
        }

        // MRQ008: a queue name the runtime's key layouts and command lines cannot carry.
        private bool CheckQueueName(string? name, bool isRawQueueName, string role, Location? location)
        {
            var problem = QueueNames.GetProblem(name, isRawQueueName);
            if (problem is null)
            {
                return true;
            }

            Report(DiagnosticDescriptors.InvalidQueueName, location, name ?? string.Empty, role, problem);
            return false;
        }

        // MRQ001 / MRQ002: exactly one public instance Run or RunAsync, declared or inherited.
        private IMethodSymbol? FindRunMethod(INamedTypeSymbol type, AttributeSyntax? attributeSyntax)
        {
            var methods = FindRunMethods(type, _known.Compilation);
            if (methods.Count == 1)
            {
                if (IsObsoleteAsError(methods[0]))
                {
                    var reason = $"its {methods[0].Name} method is [Obsolete] as an error, so the worker cannot call it";
                    Report(DiagnosticDescriptors.InvalidTaskClass, GetClassLocation(type, attributeSyntax), type.Name, reason);
                    return null;
                }

                return methods[0];
            }

            if (methods.Count == 0)
            {
                Report(DiagnosticDescriptors.NoRunMethod, GetClassLocation(type, attributeSyntax), type.Name);
            }
            else
            {
                // An inherited method declared in metadata has no source location: report it on the class instead.
                foreach (var method in methods)
                {
                    var location = method.Locations.FirstOrDefault(static l => l.IsInSource) ?? GetClassLocation(type, attributeSyntax);
                    Report(DiagnosticDescriptors.SeveralRunMethods, location, type.Name, methods.Count);
                }
            }

            return null;
        }

        /// <summary>
        /// The public instance Run and RunAsync methods that <c>task.Run(...)</c> can reach on <paramref name="type"/>:
        /// its own, then those of its base classes that no more derived member overrides or hides, as C#'s member
        /// lookup would see them from the assembly's generated code.
        /// </summary>
        /// <remarks>
        /// A derived method hides a base method with the same signature (an override is such a method); any other
        /// derived member with the name (a property, a field, a nested type) hides every base method of that name.
        /// Only members generated code can see hide: a private <c>Run(int)</c> does not hide a public base one.
        /// </remarks>
        internal static List<IMethodSymbol> FindRunMethods(INamedTypeSymbol type, Compilation compilation)
        {
            var methods = new List<IMethodSymbol>();
            var hidingMethods = new List<IMethodSymbol>();
            var hiddenNames = new HashSet<string>(StringComparer.Ordinal);
            for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                var level = new List<IMethodSymbol>();
                foreach (var name in s_runMethodNames)
                {
                    if (hiddenNames.Contains(name))
                    {
                        continue;
                    }

                    foreach (var member in current.GetMembers(name))
                    {
                        if (!compilation.IsSymbolAccessibleWithin(member, compilation.Assembly))
                        {
                            continue;
                        }

                        if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
                        {
                            hiddenNames.Add(name);
                            continue;
                        }

                        if (hidingMethods.Any(derived => HaveSameSignature(derived, method)))
                        {
                            continue;
                        }

                        level.Add(method);
                        if (IsRunMethod(method))
                        {
                            methods.Add(method);
                        }
                    }
                }

                hidingMethods.AddRange(level);
            }

            return methods;
        }

        private static bool HaveSameSignature(IMethodSymbol derived, IMethodSymbol @base) =>
            derived.Name == @base.Name
            && derived.Arity == @base.Arity
            && derived.Parameters.Length == @base.Parameters.Length
            && derived.Parameters.Zip(@base.Parameters, static (d, b) =>
                d.RefKind == b.RefKind && SymbolEqualityComparer.Default.Equals(d.Type, b.Type)).All(static same => same);

        /// <summary>Whether <paramref name="method"/> is a Run method by its shape: a public instance Run or RunAsync.</summary>
        public static bool IsRunMethod(IMethodSymbol method) =>
            method is { MethodKind: MethodKind.Ordinary, IsStatic: false, DeclaredAccessibility: Accessibility.Public, Name: "Run" or "RunAsync" };

        // MRQ007: the public constructor whose parameters come from dependency injection.
        private List<DependencySpec>? ReadConstructor(INamedTypeSymbol type, AttributeSyntax? attributeSyntax)
        {
            var constructors = type.InstanceConstructors.Where(static c => c.DeclaredAccessibility == Accessibility.Public).ToList();
            string? problem = null;
            IMethodSymbol? constructor = null;
            if (constructors.Count == 0)
            {
                problem = "it has no public constructor";
            }
            else
            {
                var most = constructors.Max(static c => c.Parameters.Length);
                var candidates = constructors.Where(c => c.Parameters.Length == most).ToList();
                if (candidates.Count > 1)
                {
                    problem = $"it has {candidates.Count.ToString(CultureInfo.InvariantCulture)} public constructors with {most.ToString(CultureInfo.InvariantCulture)} parameters; keep one, whose parameters are resolved from dependency injection";
                }
                else
                {
                    constructor = candidates[0];
                    var byRef = constructor.Parameters.FirstOrDefault(static p => p.RefKind != RefKind.None);
                    var required = constructor.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _known.SetsRequiredMembersAttribute))
                        ? []
                        : GetRequiredMembers(type);
                    if (byRef is not null)
                    {
                        problem = $"its constructor parameter '{byRef.Name}' is passed by reference";
                    }
                    else if (IsObsoleteAsError(constructor))
                    {
                        problem = "its constructor is [Obsolete] as an error";
                    }
                    else if (required.Count > 0)
                    {
                        problem = $"generated code cannot set its required members ({string.Join(", ", required)}); remove 'required', or mark the constructor [SetsRequiredMembers]";
                    }
                }
            }

            if (problem is not null || constructor is null)
            {
                Report(DiagnosticDescriptors.NoUsableConstructor, GetClassLocation(type, attributeSyntax), type.Name, problem!);
                return null;
            }

            return constructor.Parameters
                .Select(static p => new DependencySpec(
                    CreateTypeRef(p.Type),
                    p.HasExplicitDefaultValue || p.NullableAnnotation == NullableAnnotation.Annotated || IsNullableValueType(p.Type)))
                .ToList();
        }

        // The required fields and properties of the type and its base types, by name.
        private static List<string> GetRequiredMembers(INamedTypeSymbol type)
        {
            var names = new List<string>();
            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true } && !names.Contains(member.Name))
                    {
                        names.Add(member.Name);
                    }
                }
            }

            return names;
        }

        // [Obsolete("...", true)] on the symbol or a type containing it: using it is a compiler error (CS0619).
        private bool IsObsoleteAsError(ISymbol symbol)
        {
            for (var current = symbol; current is not null; current = current.ContainingType)
            {
                foreach (var attribute in current.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _known.ObsoleteAttribute)
                        && attribute.ConstructorArguments.Length == 2 && attribute.ConstructorArguments[1].Value is true)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private ReturnKind ReadReturnKind(IMethodSymbol method, out ITypeSymbol? resultType)
        {
            resultType = null;
            var returnType = method.ReturnType;
            if (method.ReturnsVoid)
            {
                return ReturnKind.Void;
            }

            if (SymbolEqualityComparer.Default.Equals(returnType, _known.Task))
            {
                return ReturnKind.Task;
            }

            if (SymbolEqualityComparer.Default.Equals(returnType, _known.ValueTask))
            {
                return ReturnKind.ValueTask;
            }

            if (returnType is INamedTypeSymbol { IsGenericType: true } generic)
            {
                if (SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, _known.TaskOfT))
                {
                    resultType = generic.TypeArguments[0];
                    return ReturnKind.TaskOfT;
                }

                if (SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, _known.ValueTaskOfT))
                {
                    resultType = generic.TypeArguments[0];
                    return ReturnKind.ValueTaskOfT;
                }
            }

            resultType = returnType;
            return ReturnKind.Value;
        }

        private ParameterSpec? ReadParameter(INamedTypeSymbol type, IMethodSymbol method, IParameterSymbol parameter)
        {
            var path = MemberPath(type, method, parameter.Name);
            if (parameter.RefKind != RefKind.None)
            {
                ReportUnsupported(parameter.Type, path, "ref, out and in parameters are not supported", parameter);
                return null;
            }

            if (SymbolEqualityComparer.Default.Equals(parameter.Type, _known.JobContext))
            {
                return new ParameterSpec(parameter.Name, ParameterKind.Context, CreateTypeRef(parameter.Type), DefaultValue: null);
            }

            if (SymbolEqualityComparer.Default.Equals(parameter.Type, _known.CancellationToken))
            {
                return new ParameterSpec(parameter.Name, ParameterKind.CancellationToken, CreateTypeRef(parameter.Type), DefaultValue: null);
            }

            var typeRef = AnalyzeRoot(parameter.Type, path, parameter);
            if (typeRef is null)
            {
                return null;
            }

            var defaultValue = parameter.HasExplicitDefaultValue ? FormatDefaultValue(parameter.Type, parameter.ExplicitDefaultValue) : null;
            return new ParameterSpec(parameter.Name, ParameterKind.Job, typeRef, defaultValue);
        }

        private Disposal GetDisposal(INamedTypeSymbol type)
        {
            var disposal = Disposal.None;
            foreach (var @interface in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(@interface, _known.IAsyncDisposable))
                {
                    return Disposal.DisposeAsync;
                }

                if (@interface.SpecialType == SpecialType.System_IDisposable)
                {
                    disposal = Disposal.Dispose;
                }
            }

            return disposal;
        }

        // Serialization shapes --------------------------------------------------------------------------------

        // A param or result type: keeps its nullable annotations (the façade's signatures use them).
        private TypeRef? AnalyzeRoot(ITypeSymbol type, string path, ISymbol root)
        {
            _typeRoot = root;
            return AnalyzeType(type, path) is null ? null : CreateTypeRef(type);
        }

        // A nested type: returned without nullable annotations, since the serializers are nullable-oblivious.
        private TypeRef? AnalyzeType(ITypeSymbol type, string path)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var typeRef = CreateObliviousTypeRef(type);
            var key = typeRef.FullName;
            if (_types.ContainsKey(key) || _pending.Contains(key))
            {
                return typeRef;
            }

            if (_failed.Contains(key) || type.TypeKind == TypeKind.Error)
            {
                // Already reported, or a compiler error the user sees anyway.
                _isValid = false;
                return null;
            }

            _pending.Add(key);
            var spec = CreateTypeSpec(type, key, path);
            _pending.Remove(key);
            if (spec is null)
            {
                _failed.Add(key);
                _isValid = false;
                return null;
            }

            _types.Add(key, spec);
            return typeRef;
        }

        private TypeSpec? CreateTypeSpec(ITypeSymbol type, string key, string path)
        {
            var primitive = GetPrimitiveKind(type);
            if (primitive != PrimitiveKind.None)
            {
                return new TypeSpec { FullName = key, IsValueType = type.IsValueType, Shape = TypeShape.Primitive, Primitive = primitive };
            }

            switch (type)
            {
                case INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying }:
                    return new TypeSpec { FullName = key, IsValueType = true, Shape = TypeShape.Enum, Primitive = GetPrimitiveKind(underlying) };

                case INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable:
                    return AnalyzeType(nullable.TypeArguments[0], path) is { } underlyingRef
                        ? new TypeSpec { FullName = key, IsValueType = true, Shape = TypeShape.Nullable, Element = underlyingRef }
                        : null;

                case IArrayTypeSymbol array:
                    if (!array.IsSZArray)
                    {
                        return Unsupported(type, path, "multi-dimensional arrays are not supported; use jagged arrays or lists");
                    }

                    return AnalyzeType(array.ElementType, path + "[]") is { } elementRef
                        ? new TypeSpec { FullName = key, IsValueType = false, Shape = TypeShape.Collection, Collection = CollectionKind.Array, Element = elementRef }
                        : null;

                case INamedTypeSymbol named when GetCollectionKind(named) is var kind && kind != CollectionKind.None:
                    return CreateCollectionSpec(named, key, path, kind);

                case ITypeParameterSymbol:
                    return Unsupported(type, path, "type parameters are not supported; use a concrete type");

                case IDynamicTypeSymbol:
                case { SpecialType: SpecialType.System_Object }:
                    return Unsupported(type, path, "'object' and 'dynamic' have no fixed shape; declare a concrete type");

                case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                    return Unsupported(type, path, "pointers cannot be serialized");

                case INamedTypeSymbol named:
                    return CreateObjectSpec(named, key, path);

                default:
                    return Unsupported(type, path, "this kind of type cannot be serialized");
            }
        }

        private TypeSpec? CreateCollectionSpec(INamedTypeSymbol type, string key, string path, CollectionKind kind)
        {
            TypeRef? element;
            if (kind is CollectionKind.Dictionary or CollectionKind.IDictionary or CollectionKind.IReadOnlyDictionary)
            {
                if (type.TypeArguments[0].SpecialType != SpecialType.System_String)
                {
                    return Unsupported(type, path, "dictionary keys must be strings");
                }

                element = AnalyzeType(type.TypeArguments[1], path + "[]");
                return element is null ? null : new TypeSpec { FullName = key, IsValueType = false, Shape = TypeShape.Dictionary, Collection = kind, Element = element };
            }

            element = AnalyzeType(type.TypeArguments[0], path + "[]");
            return element is null ? null : new TypeSpec { FullName = key, IsValueType = false, Shape = TypeShape.Collection, Collection = kind, Element = element };
        }

        private TypeSpec? CreateObjectSpec(INamedTypeSymbol type, string key, string path)
        {
            var problem = type switch
            {
                { IsTupleType: true } => "tuples are not supported; declare a record with named properties",
                { TypeKind: TypeKind.Interface } => "interfaces other than the supported collection interfaces have no fixed shape; use a concrete type",
                { TypeKind: TypeKind.Delegate } => "delegates cannot be serialized",
                { TypeKind: not (TypeKind.Class or TypeKind.Struct) } => "this kind of type cannot be serialized",
                _ when IsFrameworkType(type) => "framework types other than the supported scalars and collections have no wire format",
                { IsRefLikeType: true } => "ref structs cannot be serialized",
                { IsStatic: true } or { IsAbstract: true } => "abstract and static classes cannot be created when params are read",
                _ when type.IsFileLocal || !IsAccessible(type) => "generated code cannot see it; it must be public or internal, and so must every type containing it",
                _ => null,
            };
            if (problem is not null)
            {
                return Unsupported(type, path, problem);
            }

            var properties = GetSerializedProperties(type);
            if (properties.Count == 0)
            {
                return Unsupported(type, path, "it has no public readable properties");
            }

            var propertyTypes = new TypeRef?[properties.Count];
            var valid = true;
            for (var i = 0; i < properties.Count; i++)
            {
                propertyTypes[i] = AnalyzeType(properties[i].Type, path + "." + properties[i].Name);
                valid &= propertyTypes[i] is not null;
            }

            if (!valid)
            {
                return null;
            }

            var constructor = FindObjectConstructor(type, properties, out var constructorProperties);
            if (constructor is null)
            {
                return Unsupported(type, path, "it has no public constructor whose parameters all match properties by name and type");
            }

            var setsRequiredMembers = constructor.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _known.SetsRequiredMembersAttribute));
            var propertySpecs = new PropertySpec[properties.Count];
            for (var i = 0; i < properties.Count; i++)
            {
                var property = properties[i];
                var inConstructor = constructorProperties.Contains(property, SymbolEqualityComparer.Default);
                var setter = property.SetMethod is { DeclaredAccessibility: Accessibility.Public } set ? set : null;
                var assignment = setter switch
                {
                    not null when property.IsRequired && !setsRequiredMembers => PropertyAssignment.Initializer,
                    _ when inConstructor => PropertyAssignment.Constructor,
                    { IsInitOnly: true } => PropertyAssignment.Initializer,
                    not null when property.IsRequired => PropertyAssignment.Initializer,
                    not null => PropertyAssignment.Setter,
                    null => PropertyAssignment.None,
                };
                var constructorIndex = inConstructor ? constructorProperties.FindIndex(p => SymbolEqualityComparer.Default.Equals(p, property)) : -1;
                var hasDefault = assignment switch
                {
                    PropertyAssignment.None => true,
                    PropertyAssignment.Constructor => constructor.Parameters[constructorIndex].HasExplicitDefaultValue,
                    _ when property.IsRequired => false,
                    _ => HasInitializer(property),
                };
                propertySpecs[i] = new PropertySpec(property.Name, propertyTypes[i]!, assignment, IsRequired: !hasDefault && !IsNullable(property.Type));
            }

            var parameterSpecs = constructor.Parameters
                .Select((parameter, i) => new ConstructorParameterSpec(
                    constructorProperties[i].Name,
                    parameter.HasExplicitDefaultValue ? FormatDefaultValue(parameter.Type, parameter.ExplicitDefaultValue) : null))
                .ToEquatableArray();

            return new TypeSpec
            {
                FullName = key,
                IsValueType = type.IsValueType,
                Shape = TypeShape.Object,
                Properties = propertySpecs.ToEquatableArray(),
                ConstructorParameters = parameterSpecs,
            };
        }

        // Public readable instance properties, base type first; a redeclared (new/override) property keeps its place.
        private static List<IPropertySymbol> GetSerializedProperties(INamedTypeSymbol type)
        {
            var hierarchy = new Stack<INamedTypeSymbol>();
            for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
            {
                hierarchy.Push(current);
            }

            var properties = new List<IPropertySymbol>();
            var indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var declaringType in hierarchy)
            {
                foreach (var member in declaringType.GetMembers())
                {
                    if (member is not IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod.DeclaredAccessibility: Accessibility.Public } property)
                    {
                        continue;
                    }

                    if (indexByName.TryGetValue(property.Name, out var index))
                    {
                        properties[index] = property;
                    }
                    else
                    {
                        indexByName.Add(property.Name, properties.Count);
                        properties.Add(property);
                    }
                }
            }

            return properties;
        }

        // The public constructor with the most parameters that all match properties (name ignoring case, same type).
        private static IMethodSymbol? FindObjectConstructor(INamedTypeSymbol type, List<IPropertySymbol> properties, out List<IPropertySymbol> matched)
        {
            IMethodSymbol? best = null;
            matched = [];
            foreach (var constructor in type.InstanceConstructors)
            {
                if (constructor.DeclaredAccessibility != Accessibility.Public
                    || (best is not null && constructor.Parameters.Length <= best.Parameters.Length)
                    || (constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type)))
                {
                    continue;
                }

                var candidate = new List<IPropertySymbol>(constructor.Parameters.Length);
                foreach (var parameter in constructor.Parameters)
                {
                    var property = properties.FirstOrDefault(p => p.Name == parameter.Name)
                        ?? properties.FirstOrDefault(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
                    if (property is null
                        || parameter.RefKind != RefKind.None
                        || !SymbolEqualityComparer.Default.Equals(property.Type, parameter.Type)
                        || candidate.Contains(property, SymbolEqualityComparer.Default))
                    {
                        candidate = null;
                        break;
                    }

                    candidate.Add(property);
                }

                if (candidate is not null)
                {
                    best = constructor;
                    matched = candidate;
                }
            }

            return best;
        }

        private PrimitiveKind GetPrimitiveKind(ITypeSymbol type)
        {
            var kind = type.SpecialType switch
            {
                SpecialType.System_Boolean => PrimitiveKind.Boolean,
                SpecialType.System_SByte => PrimitiveKind.SByte,
                SpecialType.System_Byte => PrimitiveKind.Byte,
                SpecialType.System_Int16 => PrimitiveKind.Int16,
                SpecialType.System_UInt16 => PrimitiveKind.UInt16,
                SpecialType.System_Int32 => PrimitiveKind.Int32,
                SpecialType.System_UInt32 => PrimitiveKind.UInt32,
                SpecialType.System_Int64 => PrimitiveKind.Int64,
                SpecialType.System_UInt64 => PrimitiveKind.UInt64,
                SpecialType.System_Single => PrimitiveKind.Single,
                SpecialType.System_Double => PrimitiveKind.Double,
                SpecialType.System_Decimal => PrimitiveKind.Decimal,
                SpecialType.System_String => PrimitiveKind.String,
                SpecialType.System_Char => PrimitiveKind.Char,
                SpecialType.System_DateTime => PrimitiveKind.DateTime,
                _ => PrimitiveKind.None,
            };
            if (kind != PrimitiveKind.None)
            {
                return kind;
            }

            if (SymbolEqualityComparer.Default.Equals(type, _known.Guid))
            {
                return PrimitiveKind.Guid;
            }

            if (SymbolEqualityComparer.Default.Equals(type, _known.DateTimeOffset))
            {
                return PrimitiveKind.DateTimeOffset;
            }

            return SymbolEqualityComparer.Default.Equals(type, _known.TimeSpan) ? PrimitiveKind.TimeSpan : PrimitiveKind.None;
        }

        private CollectionKind GetCollectionKind(INamedTypeSymbol type)
        {
            if (!type.IsGenericType)
            {
                return CollectionKind.None;
            }

            var definition = type.OriginalDefinition;
            return definition switch
            {
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.List) => CollectionKind.List,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IList) => CollectionKind.IList,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.ICollection) => CollectionKind.ICollection,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IEnumerable) => CollectionKind.IEnumerable,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IReadOnlyList) => CollectionKind.IReadOnlyList,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IReadOnlyCollection) => CollectionKind.IReadOnlyCollection,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.Dictionary) => CollectionKind.Dictionary,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IDictionary) => CollectionKind.IDictionary,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IReadOnlyDictionary) => CollectionKind.IReadOnlyDictionary,
                _ => CollectionKind.None,
            };
        }

        private bool IsAccessible(INamedTypeSymbol type) =>
            _known.Compilation.IsSymbolAccessibleWithin(type, _known.Compilation.Assembly);

        private static bool IsGeneric(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.TypeParameters.Length > 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsFrameworkType(INamedTypeSymbol type)
        {
            var root = type.ContainingNamespace;
            while (root is { ContainingNamespace.IsGlobalNamespace: false })
            {
                root = root.ContainingNamespace;
            }

            return root is { Name: "System" or "Microsoft" };
        }

        private static bool IsNullableValueType(ITypeSymbol type) =>
            type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

        // Null is a valid value: Nullable<T>, an annotated reference, or a reference in a nullable-oblivious context.
        private static bool IsNullable(ITypeSymbol type) =>
            IsNullableValueType(type) || (!type.IsValueType && type.NullableAnnotation != NullableAnnotation.NotAnnotated);

        // A property initializer (= value) is the member's default when the key is missing. A property declared in
        // metadata shows no syntax: it is given the benefit of the doubt.
        private static bool HasInitializer(IPropertySymbol property) =>
            property.DeclaringSyntaxReferences.Length == 0
            || property.DeclaringSyntaxReferences.Any(static r => r.GetSyntax() is PropertyDeclarationSyntax { Initializer: not null });

        // Names and literals ----------------------------------------------------------------------------------

        private static TypeRef CreateTypeRef(ITypeSymbol type) => new()
        {
            FullName = type.ToDisplayString(s_fullNameFormat),
            DeclaredName = type.ToDisplayString(s_declaredNameFormat),
            IsValueType = type.IsValueType,
            IsNonNullableReference = !type.IsValueType && type.NullableAnnotation != NullableAnnotation.Annotated,
        };

        private static TypeRef CreateObliviousTypeRef(ITypeSymbol type)
        {
            var fullName = type.ToDisplayString(s_fullNameFormat);
            return new TypeRef { FullName = fullName, DeclaredName = fullName, IsValueType = type.IsValueType, IsNonNullableReference = false };
        }

        private static string GetHintName(INamedTypeSymbol type)
        {
            var name = type.MetadataName;
            for (var containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
            {
                name = containing.MetadataName + "+" + name;
            }

            return type.ContainingNamespace.IsGlobalNamespace ? name : type.ContainingNamespace.ToDisplayString(s_taskPathFormat) + "." + name;
        }

        private static string MemberPath(INamedTypeSymbol type, IMethodSymbol method, string member) =>
            $"{type.Name}.{method.Name}({member})";

        /// <summary>A C# expression for a parameter's default value, culture-invariant.</summary>
        internal static string FormatDefaultValue(ITypeSymbol type, object? value)
        {
            var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                ? nullable.TypeArguments[0]
                : type;
            if (value is null)
            {
                return type.IsValueType && ReferenceEquals(underlying, type) ? "default" : "null";
            }

            if (underlying.TypeKind == TypeKind.Enum)
            {
                var literal = FormatLiteral(value);
                return $"({underlying.ToDisplayString(s_fullNameFormat)})" + (literal.StartsWith("-", StringComparison.Ordinal) ? $"({literal})" : literal);
            }

            return FormatLiteral(value);
        }

        private static string FormatLiteral(object value) => value switch
        {
            bool b => b ? "true" : "false",
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            float f when float.IsNaN(f) => "float.NaN",
            float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
            float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
            double d when double.IsNaN(d) => "double.NaN",
            double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
            double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
            double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
            long l => l.ToString(CultureInfo.InvariantCulture) + "L",
            ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
            uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => "default",
        };

        // Diagnostics -----------------------------------------------------------------------------------------

        private TypeSpec? Unsupported(ITypeSymbol type, string path, string reason)
        {
            ReportUnsupported(type, path, reason, _typeRoot);
            return null;
        }

        private void ReportUnsupported(ITypeSymbol type, string path, string reason, ISymbol? root)
        {
            _isValid = false;
            if (_diagnostics is null)
            {
                return;
            }

            var location = root switch
            {
                IMethodSymbol method => (method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) as MethodDeclarationSyntax)?.ReturnType.GetLocation()
                    ?? method.Locations.FirstOrDefault(),
                not null => root.Locations.FirstOrDefault(),
                null => null,
            };
            Report(DiagnosticDescriptors.UnsupportedType, location, type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat), path, reason);
        }

        private void Report(DiagnosticDescriptor descriptor, Location? location, params object[] arguments)
        {
            _isValid = false;
            _diagnostics?.Add(Diagnostic.Create(descriptor, location, arguments));
        }

        // A warning describes code that works: the task stays valid and is generated.
        private void ReportWarning(DiagnosticDescriptor descriptor, Location? location, params object[] arguments) =>
            _diagnostics?.Add(Diagnostic.Create(descriptor, location, arguments));

        private static string Format(int number) => number.ToString(CultureInfo.InvariantCulture);

        private static Location? GetClassLocation(INamedTypeSymbol type, AttributeSyntax? attributeSyntax) =>
            attributeSyntax?.Parent?.Parent is BaseTypeDeclarationSyntax declaration
                ? declaration.Identifier.GetLocation()
                : type.Locations.FirstOrDefault();

        private static AttributeArgumentSyntax? GetArgumentSyntax(AttributeSyntax? attributeSyntax, string name) =>
            attributeSyntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

        private static object? GetNamedArgument(AttributeData attribute, string name)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == name)
                {
                    return argument.Value.Value;
                }
            }

            return null;
        }
    }
}
