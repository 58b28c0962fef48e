using Microsoft.CodeAnalysis.Text;
using Mrq.Generators.Model;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Emitter
    {
        /// <summary>
        /// The dispatch table: a module initializer that registers every task of the compilation, so a worker finds
        /// them by path without reflection. The class is file-local, so assemblies that see each other's internals
        /// never clash.
        /// </summary>
        public static SourceText EmitCatalog(CatalogSpec spec)
        {
            var source = new SourceWriter();
            WriteHeader(source, pragma: "#pragma warning disable CA2255 // A module initializer in a library is exactly how generated tasks register themselves.");
            source.WriteLine($"namespace {spec.GeneratedNamespace}");
            source.OpenBlock();
            source.WriteLine("/// <summary>Registers this assembly's tasks in <see cref=\"global::Mrq.Infrastructure.TaskCatalog\"/> when the assembly is loaded.</summary>");
            source.WriteLine(s_generatedCodeAttribute);
            source.WriteLine("file static class TaskRegistration");
            source.OpenBlock();
            source.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
            source.WriteLine("internal static void Register()");
            source.OpenBlock();
            source.WriteLine("global::Mrq.Infrastructure.TaskCatalog.Register(new global::Mrq.Infrastructure.TaskDescriptor[]");
            source.OpenBlock();
            foreach (var task in spec.Tasks)
            {
                var options = task.Options;
                source.WriteLine("new global::Mrq.Infrastructure.TaskDescriptor");
                source.OpenBlock();
                source.WriteLine($"Path = {task.Facade}.Path,");
                source.WriteLine($"DefaultQueue = {task.Facade}.DefaultQueue,");
                source.WriteLine($"Invoke = {task.Facade}.Invoke,");
                source.WriteLine($"Timeout = {Number(options.Timeout)},");
                source.WriteLine($"MaxRetries = {Number(options.MaxRetries)},");
                source.WriteLine($"RetryDelay = {Number(options.RetryDelay)},");
                source.WriteLine($"ResultTtl = {Number(options.ResultTtl)},");
                source.WriteLine($"AbortTtl = {Number(options.AbortTtl)},");
                source.WriteLine($"CancelTtl = {Number(options.CancelTtl)},");
                source.WriteLine($"DefaultTtl = {Number(options.DefaultTtl)},");
                source.WriteLine($"MaxConcurrency = {Number(options.MaxConcurrency)},");
                source.CloseBlock(",");
            }

            source.CloseBlock(");");
            source.CloseBlock();
            source.CloseBlock();
            source.CloseBlock();
            return source.ToSourceText();
        }
    }
}
