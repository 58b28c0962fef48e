using System.Globalization;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    // The task class itself: what generated code can instantiate (MRQ004), its façade (MRQ020, MRQ021), its
    // constructor (MRQ007) and its disposal.
    internal sealed partial class Parser
    {
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
    }
}
