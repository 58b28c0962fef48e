namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Emitter
    {
        private const string ClientType = "global::Mrq.IMrqClient";

        /// <summary>
        /// The façade's enqueue methods again, each taking the client to enqueue with as its first parameter
        /// (<c>Tasks.Square.Enqueue(client, n: 42)</c>): the <c>IMrqClient</c> a host injects, or any other, instead of
        /// <c>MrqClient.Default</c>.
        /// </summary>
        private static void WriteExplicitClientOverloads(SourceWriter source, List<ParameterSpec> parameters, HashSet<string> names, string declarations, string arguments, System.Func<string, string> member)
        {
            // Enqueue and EnqueueAsync are written out one after the other rather than by one parameterized helper: the
            // emitter reads as the C# it generates, and the pair differs in return type, name, parameters and call.
            var client = Unique("client", names);
            var separator = parameters.Count > 0 ? ", " : string.Empty;

            source.WriteLine();
            source.WriteLine($"/// <summary>Enqueues a job on <see cref=\"DefaultQueue\"/> with <paramref name=\"{client}\"/>.</summary>");
            source.WriteLine($"public static global::Mrq.JobId Enqueue({ClientType} {client}{separator}{declarations})");
            source.OpenBlock();
            WriteClientCheck(source, client);
            source.WriteLine($"return global::Mrq.MrqClientExtensions.Enqueue({client}, {member("Job")}({arguments}));");
            source.CloseBlock();

            var cancellationToken = Unique("cancellationToken", new HashSet<string>(names) { client });
            source.WriteLine();
            source.WriteLine($"/// <summary>Enqueues a job on <see cref=\"DefaultQueue\"/> with <paramref name=\"{client}\"/>.</summary>");
            source.WriteLine($"public static global::System.Threading.Tasks.ValueTask<global::Mrq.JobId> EnqueueAsync({ClientType} {client}{separator}{declarations}, global::System.Threading.CancellationToken {cancellationToken} = default)");
            source.OpenBlock();
            WriteClientCheck(source, client);
            source.WriteLine($"return global::Mrq.MrqClientExtensions.EnqueueAsync({client}, {member("Job")}({arguments}), {cancellationToken});");
            source.CloseBlock();

            source.WriteLine();
            WriteEnqueueMany(source, parameters, new HashSet<string>(names) { client }, member, client);
        }

        private static void WriteClientCheck(SourceWriter source, string? client)
        {
            if (client is not null)
            {
                source.WriteLine($"global::System.ArgumentNullException.ThrowIfNull({client});");
            }
        }
    }
}
