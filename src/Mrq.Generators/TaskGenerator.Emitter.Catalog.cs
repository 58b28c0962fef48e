namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Emitter
    {
        /// <summary>
        /// The dispatch table: a module initializer that registers every task and raw queue of the compilation, so a
        /// worker finds them by path or name without reflection. The class is file-local, so assemblies that see each
        /// other's internals never clash.
        /// </summary>
        public static SourceText EmitCatalog(CatalogSpec spec)
        {
            var source = new SourceWriter();
            WriteHeader(source, pragma: "#pragma warning disable CA2255 // A module initializer in a library is exactly how generated tasks register themselves.");
            source.WriteLine($"namespace {spec.GeneratedNamespace}");
            source.OpenBlock();
            var summary = (spec.Tasks.IsEmpty, spec.RawQueues.IsEmpty) switch
            {
                (false, true) => "Registers this assembly's tasks in <see cref=\"global::Mrq.Infrastructure.TaskCatalog\"/>",
                (true, false) => "Registers this assembly's raw queues in <see cref=\"global::Mrq.Infrastructure.RawQueueCatalog\"/>",
                _ => "Registers this assembly's tasks and raw queues in <see cref=\"global::Mrq.Infrastructure.TaskCatalog\"/> and <see cref=\"global::Mrq.Infrastructure.RawQueueCatalog\"/>",
            };
            source.WriteLine($"/// <summary>{summary} when the assembly is loaded.</summary>");
            source.WriteLine(s_generatedCodeAttribute);
            source.WriteLine("file static class TaskRegistration");
            source.OpenBlock();
            source.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
            source.WriteLine("internal static void Register()");
            source.OpenBlock();
            if (!spec.Tasks.IsEmpty)
            {
                WriteTaskRegistration(source, spec);
            }

            if (!spec.RawQueues.IsEmpty)
            {
                if (!spec.Tasks.IsEmpty)
                {
                    source.WriteLine();
                }

                WriteRawQueueRegistration(source, spec);
            }

            source.CloseBlock();
            source.CloseBlock();
            source.CloseBlock();
            return source.ToSourceText();
        }

        private static void WriteTaskRegistration(SourceWriter source, CatalogSpec spec) =>
            WriteRegister(source, "TaskCatalog", "TaskDescriptor", spec.Tasks, static (source, task) =>
            {
                source.WriteLine($"Path = {task.Facade}.Path,");
                source.WriteLine($"DefaultQueue = {task.Facade}.DefaultQueue,");
                source.WriteLine($"Invoke = {task.Facade}.Invoke,");
                WriteOptions(source, task.Options);
            });

        // Only the options the attribute gives, by their config key: the runtime applies the configured defaults to the rest.
        private static void WriteOptions(SourceWriter source, TaskOptions options)
        {
            var given = TaskOption.All.Where(o => options[o] != o.Unset).ToList();
            if (given.Count == 0)
            {
                return;
            }

            source.WriteLine("Options = new global::System.Collections.Generic.Dictionary<string, int>");
            source.OpenBlock();
            foreach (var option in given)
            {
                source.WriteLine($"[{StringLiteral(option.ConfigKey)}] = {Number(options[option])},");
            }

            source.CloseBlock(",");
        }

        // The factory is registered as a method group: the user's static method becomes the RawJobFactory delegate.
        private static void WriteRawQueueRegistration(SourceWriter source, CatalogSpec spec) =>
            WriteRegister(source, "RawQueueCatalog", "RawQueueDescriptor", spec.RawQueues, static (source, queue) =>
            {
                source.WriteLine($"Name = {queue.FacadeType}.Name,");
                source.WriteLine($"FactoryName = {StringLiteral(queue.FactoryName)},");
                source.WriteLine($"Factory = {queue.Factory},");
                source.WriteLine($"RetryQueue = {StringLiteral(queue.RetryQueue)},");
                if (!queue.StatusesNoStorage.IsEmpty)
                {
                    source.WriteLine($"StatusesNoStorage = new global::Mrq.JobStatus[] {{ {string.Join(", ", queue.StatusesNoStorage.Select(static s => "global::Mrq.JobStatus." + s))} }},");
                }

                source.WriteLine($"PushbackSeconds = {Number(queue.PushbackSeconds)},");
                source.WriteLine($"HasSubqueues = {(queue.HasSubqueues ? "true" : "false")},");
            });

        // Both tables register alike: one Register call with an array of descriptors, one object initializer each.
        private static void WriteRegister<T>(SourceWriter source, string catalog, string descriptor, IEnumerable<T> items, Action<SourceWriter, T> writeMembers)
        {
            source.WriteLine($"global::Mrq.Infrastructure.{catalog}.Register(new global::Mrq.Infrastructure.{descriptor}[]");
            source.OpenBlock();
            foreach (var item in items)
            {
                source.WriteLine($"new global::Mrq.Infrastructure.{descriptor}");
                source.OpenBlock();
                writeMembers(source, item);
                source.CloseBlock(",");
            }

            source.CloseBlock(");");
        }
    }
}
