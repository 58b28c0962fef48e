using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Mrq.Generators.Model;

namespace Mrq.Generators;

/// <summary>
/// Generates, for every <c>[MrqTask]</c> class, a typed façade (<c>Tasks.&lt;Name&gt;.Enqueue(...)</c>), an invoker
/// registered in the task catalog, and MessagePack serializers for its params and result. Nothing is left to reflection.
/// </summary>
/// <remarks>
/// The pipeline only wires steps: <see cref="Parser"/> turns symbols into equatable <see cref="TaskSpec"/>s (the cache
/// boundary) and <see cref="Emitter"/> turns specs into text. Invalid tasks parse to null and produce nothing, so users
/// see one MRQ diagnostic from <see cref="Analyzers.TaskAnalyzer"/> rather than compiler errors in generated code; as
/// the Roslyn cookbook recommends, the generator itself reports no diagnostics.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class TaskGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var tasks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeSymbols.MrqTaskAttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (attributeContext, cancellationToken) => Parser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.Tasks)
            .WhereNotNull()
            .WithTrackingName(TrackingNames.ValidTasks);

        // Per task: the façade users call (visible to the IDE) and the invoker only the registration refers to.
        context.RegisterSourceOutput(tasks, static (output, task) =>
            output.AddSource(Emitter.GetFacadeHintName(task), Emitter.EmitFacade(task)));
        context.RegisterImplementationSourceOutput(tasks, static (output, task) =>
            output.AddSource(Emitter.GetInvokerHintName(task), Emitter.EmitInvoker(task)));

        // Per compilation: the serializers the façades share and the dispatch table. Each is re-emitted only when its
        // own model changes, not on every change to some task.
        var allTasks = tasks.Collect().WithTrackingName(TrackingNames.AllTasks);

        var serializers = allTasks
            .Select(static (all, _) => SerializersSpec.Create(all))
            .WithTrackingName(TrackingNames.Serializers);
        context.RegisterSourceOutput(serializers, static (output, spec) =>
        {
            if (spec is not null)
            {
                output.AddSource(Emitter.SerializersHintName, Emitter.EmitSerializers(spec));
            }
        });

        var catalog = allTasks
            .Select(static (all, _) => CatalogSpec.Create(all))
            .WithTrackingName(TrackingNames.Catalog);
        context.RegisterImplementationSourceOutput(catalog, static (output, spec) =>
        {
            if (spec is not null)
            {
                output.AddSource(Emitter.CatalogHintName, Emitter.EmitCatalog(spec));
            }
        });
    }
}
