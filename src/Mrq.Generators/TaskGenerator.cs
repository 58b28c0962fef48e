using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mrq.Generators;

/// <summary>
/// Generates, for every <c>[MrqTask]</c> class, a typed façade (<c>Tasks.&lt;Name&gt;.Enqueue(...)</c>), an invoker
/// registered in the task catalog, and MessagePack serializers for its params and result; for every
/// <c>[MrqRawQueue]</c> factory, a typed enqueue API (<c>RawQueues.&lt;Method&gt;.Enqueue(...)</c>) and its entry in the
/// raw-queue catalog. Nothing is left to reflection.
/// </summary>
/// <remarks>
/// The pipeline only wires steps: <see cref="Parser"/> turns symbols into equatable <see cref="TaskSpec"/>s and
/// <see cref="RawQueueSpec"/>s (the cache boundaries) and <see cref="Emitter"/> turns specs into text. Invalid tasks and
/// queues parse to null and produce nothing, so users see MRQ diagnostics from <see cref="Analyzers.TaskAnalyzer"/> and
/// <see cref="Analyzers.RawQueueAnalyzer"/> rather than compiler errors in generated code; as the Roslyn cookbook
/// recommends, the generator itself reports no diagnostics.
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

        // Two tasks whose façades would be the same class (a task named Job gets Tasks.JobTask, and so does a task
        // named JobTask) can only be seen with all tasks at hand; they are dropped like invalid ones.
        var allTasks = tasks.Collect().WithTrackingName(TrackingNames.AllTasks);
        var taskConflicts = allTasks
            .Select(static (all, _) => TaskConflicts.Find(all))
            .WithTrackingName(TrackingNames.TaskConflicts);
        var uniqueTasks = tasks.Except(taskConflicts).WithTrackingName(TrackingNames.UniqueTasks);

        // Per task: the façade users call (visible to the IDE) and the invoker only the registration refers to.
        context.RegisterSourceOutput(uniqueTasks, static (output, task) =>
            output.AddSource(Emitter.GetFacadeHintName(task), Emitter.EmitFacade(task)));
        context.RegisterImplementationSourceOutput(uniqueTasks, static (output, task) =>
            output.AddSource(Emitter.GetInvokerHintName(task), Emitter.EmitInvoker(task)));

        // Per compilation: the serializers the façades share and the dispatch table. Each is re-emitted only when its
        // own model changes, not on every change to some task.

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

        // Raw queues: their own discovery, parsed per factory method.
        var rawQueues = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeSymbols.MrqRawQueueAttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
                static (attributeContext, cancellationToken) => Parser.ParseRawQueue(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.RawQueues)
            .WhereNotNull()
            .WithTrackingName(TrackingNames.ValidRawQueues);

        // A raw queue name declared twice, or two factories generating the same RawQueues.<Method> class, can only be
        // seen with all queues at hand; such queues are dropped like any invalid one.
        var allRawQueues = rawQueues.Collect().WithTrackingName(TrackingNames.AllRawQueues);
        var conflicts = allRawQueues
            .Select(static (all, _) => RawQueueConflicts.Find(all))
            .WithTrackingName(TrackingNames.RawQueueConflicts);
        var uniqueRawQueues = rawQueues.Except(conflicts).WithTrackingName(TrackingNames.UniqueRawQueues);
        context.RegisterSourceOutput(uniqueRawQueues, static (output, queue) =>
            output.AddSource(Emitter.GetRawQueueHintName(queue), Emitter.EmitRawQueue(queue)));

        // One module initializer registers tasks and raw queues: the two pipelines meet only here.
        var catalog = allTasks
            .Combine(allRawQueues)
            .Select(static (all, _) => CatalogSpec.Create(all.Left, all.Right))
            .WithTrackingName(TrackingNames.Catalog);
        context.RegisterImplementationSourceOutput(catalog, static (output, spec) =>
        {
            if (spec is not null)
            {
                output.AddSource(Emitter.CatalogHintName, Emitter.EmitCatalog(spec));
            }
        });

        // An assembly with tasks or raw queues that can see IServiceCollection gets services.AddMrqTasksFrom<Assembly>().
        var serviceRegistration = catalog
            .Select(static (spec, _) => spec is not null)
            .Combine(context.CompilationProvider.Select(static (compilation, _) => ServiceRegistrationSpec.Create(compilation)))
            .Select(static (pair, _) => pair.Left ? pair.Right : null)
            .WithTrackingName(TrackingNames.ServiceRegistration);
        context.RegisterSourceOutput(serviceRegistration, static (output, spec) =>
        {
            if (spec is not null)
            {
                output.AddSource(Emitter.ServiceRegistrationHintName, Emitter.EmitServiceRegistration(spec));
            }
        });

        // A compilation with tasks or raw queues marks itself, so the programs that reference it register them at load.
        var assemblyRegistration = catalog
            .Select(static (spec, _) => spec is not null)
            .Combine(context.CompilationProvider.Select(static (compilation, _) => compilation.AssemblyName))
            .Select(static (pair, _) => pair.Left ? RegistrationReferences.NamespaceFor(pair.Right) : null)
            .WithTrackingName(TrackingNames.AssemblyRegistration);
        context.RegisterImplementationSourceOutput(assemblyRegistration, static (output, registrationNamespace) =>
        {
            if (registrationNamespace is not null)
            {
                output.AddSource(Emitter.AssemblyRegistrationHintName, Emitter.EmitAssemblyRegistration(registrationNamespace));
            }
        });

        // Referenced adapter packages and task libraries are registered when this compilation's assembly loads. The
        // model is the list of registration types, so edits to the user's code leave it cached.
        var references = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => RegistrationReferences.Find(compilation, cancellationToken))
            .WithTrackingName(TrackingNames.References);
        context.RegisterImplementationSourceOutput(references, static (output, registrations) =>
        {
            if (!registrations.IsEmpty)
            {
                output.AddSource(Emitter.ReferencesHintName, Emitter.EmitReferencesRegistration(registrations));
            }
        });
    }
}
