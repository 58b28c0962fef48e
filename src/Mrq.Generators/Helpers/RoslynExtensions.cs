namespace Mrq.Generators;

internal static class RoslynExtensions
{
    /// <summary>
    /// Like <c>Compilation.GetTypeByMetadataName</c>, but when several assemblies define the type (polyfills), prefers
    /// the compilation's own, then the only one accessible to it, instead of returning null.
    /// </summary>
    public static INamedTypeSymbol? GetBestTypeByMetadataName(this Compilation compilation, string metadataName)
    {
        INamedTypeSymbol? best = null;
        foreach (var type in compilation.GetTypesByMetadataName(metadataName))
        {
            if (SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly))
            {
                return type;
            }

            if (!compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
            {
                continue;
            }

            if (best is not null)
            {
                return null;
            }

            best = type;
        }

        return best;
    }
}
