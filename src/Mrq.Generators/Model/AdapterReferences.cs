using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Mrq.Generators.Model;

/// <summary>
/// The adapter packages (Mrq.Redis, Mrq.MongoDB, or a third party's) a compilation references: each marks its assembly
/// with <c>[assembly: MrqAdapter(typeof(X))]</c>, and generated code calls <c>X.Register()</c> at load, so that adding
/// the package is all it takes for its URIs to work.
/// </summary>
internal static class AdapterReferences
{
    public const string MrqAdapterAttributeName = "Mrq.Configuration.MrqAdapterAttribute";

    private const string RuntimeAssemblyName = "Mrq.Runtime";

    /// <summary>The registration types, <c>global::</c>-qualified and ordered, of every referenced adapter assembly.</summary>
    public static EquatableArray<string> Find(Compilation compilation, CancellationToken cancellationToken)
    {
        var attribute = compilation.GetTypeByMetadataName(MrqAdapterAttributeName);
        if (attribute is null)
        {
            return EquatableArray<string>.Empty;
        }

        var registrations = new SortedSet<string>(System.StringComparer.Ordinal);
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Only an assembly built against Mrq.Runtime can carry the attribute: the rest are skipped unread.
            if (!assembly.Modules.Any(static m => m.ReferencedAssemblies.Any(static r => r.Name == RuntimeAssemblyName)))
            {
                continue;
            }

            foreach (var data in assembly.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute)
                    && data.ConstructorArguments.Length == 1
                    && data.ConstructorArguments[0].Value is INamedTypeSymbol registration
                    && registration.DeclaredAccessibility == Accessibility.Public)
                {
                    registrations.Add(registration.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
                }
            }
        }

        return registrations.ToEquatableArray();
    }
}
