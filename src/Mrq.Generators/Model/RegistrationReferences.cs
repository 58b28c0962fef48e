namespace Mrq.Generators.Model;

/// <summary>
/// The assemblies a compilation references that add something to Mrq when they load: adapter packages (Mrq.Redis,
/// Mrq.MongoDB, or a third party's) and task libraries. Each carries <c>[assembly: MrqRegistration(typeof(X))]</c>, and
/// generated code calls <c>X.Register()</c> at load, so a worker program finds a referenced library's tasks and a
/// referenced adapter's URI scheme without touching either first.
/// </summary>
internal static class RegistrationReferences
{
    public const string MrqRegistrationAttributeName = "Mrq.Infrastructure.MrqRegistrationAttribute";

    private const string RuntimeAssemblyName = "Mrq.Runtime";

    /// <summary>The registration types, <c>global::</c>-qualified and ordered, of every referenced assembly that has one.</summary>
    public static EquatableArray<string> Find(Compilation compilation, CancellationToken cancellationToken)
    {
        var attribute = compilation.GetTypeByMetadataName(MrqRegistrationAttributeName);
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

    /// <summary>
    /// The namespace of the registration class generated for a task library: derived from the assembly's name, so two
    /// assemblies never declare the same public type.
    /// </summary>
    public static string NamespaceFor(string? assemblyName)
    {
        var parts = (assemblyName ?? "Assembly")
            .Split('.')
            .Select(static part => new string(part.Select(static c => char.IsLetterOrDigit(c) || c == '_' ? c : '_').ToArray()))
            .Where(static part => part.Length > 0)
            .Select(static part => char.IsDigit(part[0]) ? "_" + part : part);
        return "Mrq.Generated." + string.Join(".", parts);
    }
}
