using Microsoft.CodeAnalysis;

namespace Mrq.Generators;

/// <summary>Placeholder until the generator lands.</summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class TaskGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
