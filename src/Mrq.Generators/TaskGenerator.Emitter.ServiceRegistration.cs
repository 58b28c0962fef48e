namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Emitter
    {
        public const string ServiceRegistrationHintName = "MrqTasksServiceCollectionExtensions.g.cs";

        /// <summary>
        /// <c>services.AddMrqTasksFrom&lt;Assembly&gt;()</c>: what a host calls to register a task library's tasks. Tasks
        /// register from the assembly's module initializer, which runs before any code of the assembly: calling this
        /// method is what guarantees it ran, for a library the host would otherwise never touch. The name carries the
        /// assembly's, so a host calling several libraries' methods never meets an ambiguous call; workers find the
        /// class by that shape to name the call in their errors (<c>TaskAssemblies</c> in Mrq.Runtime).
        /// </summary>
        public static SourceText EmitServiceRegistration(ServiceRegistrationSpec spec)
        {
            var source = new SourceWriter();
            WriteHeader(source);
            source.WriteLine("namespace Microsoft.Extensions.DependencyInjection");
            source.OpenBlock();
            source.WriteLine($"/// <summary>Registers the Mrq tasks and raw queues of the assembly {XmlText(spec.AssemblyName)}.</summary>");
            source.WriteLine(s_generatedCodeAttribute);
            source.WriteLine($"public static class MrqTasksFrom{spec.Identifier}Extensions");
            source.OpenBlock();
            source.WriteLine($"/// <summary>Registers the Mrq tasks and raw queues of the assembly {XmlText(spec.AssemblyName)} with the workers of this process.</summary>");
            source.WriteLine($"public static global::Microsoft.Extensions.DependencyInjection.IServiceCollection AddMrqTasksFrom{spec.Identifier}(this global::Microsoft.Extensions.DependencyInjection.IServiceCollection services)");
            source.OpenBlock();
            source.WriteLine("global::System.ArgumentNullException.ThrowIfNull(services);");
            source.WriteLine();
            source.WriteLine("// Running any code of this assembly has run its module initializer, which registered its tasks.");
            source.WriteLine("return services;");
            source.CloseBlock();
            source.CloseBlock();
            source.CloseBlock();
            return source.ToSourceText();
        }
    }
}
