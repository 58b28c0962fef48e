using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Mrq.Generators.Model;

/// <summary>
/// The input of the per-assembly <c>services.AddMrqTasksFrom&lt;Assembly&gt;()</c> extension: the assembly's name and
/// the identifier made from it. Null when the compilation cannot see <c>IServiceCollection</c>.
/// </summary>
internal sealed record ServiceRegistrationSpec(string AssemblyName, string Identifier)
{
    private const string ServiceCollectionName = "Microsoft.Extensions.DependencyInjection.IServiceCollection";

    public static ServiceRegistrationSpec? Create(Compilation compilation)
    {
        if (compilation.GetTypeByMetadataName(ServiceCollectionName) is null)
        {
            return null;
        }

        var name = compilation.AssemblyName ?? string.Empty;
        return new ServiceRegistrationSpec(name, PascalIdentifier(name));
    }

    /// <summary><c>Shop.Task-Library</c> → <c>ShopTaskLibrary</c>: the parts of the name, capitalized and joined.</summary>
    internal static string PascalIdentifier(string name)
    {
        var builder = new StringBuilder();
        var upper = true;
        foreach (var c in name)
        {
            if (!SyntaxFacts.IsIdentifierPartCharacter(c) || c == '_')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        if (builder.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }
}
