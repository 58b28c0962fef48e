using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Mrq.Generators;

/// <summary>C# identifiers for generated code.</summary>
internal static class Identifiers
{
    private const string GeneratedNamespacePrefix = "Mrq.Generated.";

    /// <summary>Prefixes a keyword with <c>@</c> so it can be used as an identifier (<c>@class</c>).</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>
    /// The namespace of the helper types generated for an assembly, <c>Mrq.Generated.&lt;AssemblyName&gt;</c>, so that
    /// assemblies seeing each other's internals (InternalsVisibleTo) never define the same type.
    /// </summary>
    public static string GeneratedNamespace(string? assemblyName)
    {
        var builder = new StringBuilder();
        foreach (var c in assemblyName ?? string.Empty)
        {
            builder.Append(SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');
        }

        if (builder.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return GeneratedNamespacePrefix + Escape(builder.ToString());
    }
}
