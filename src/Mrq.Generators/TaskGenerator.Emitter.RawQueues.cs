using Microsoft.CodeAnalysis.Text;
using Mrq.Generators.Model;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Emitter
    {
        private const string RawParam = "global::Mrq.RawParam";
        private const string Client = "global::Mrq.MrqClient.Default";
        private const string CancellationTokenType = "global::System.Threading.CancellationToken";

        public static string GetRawQueueHintName(RawQueueSpec queue) => queue.HintName + ".g.cs";

        /// <summary>
        /// The typed API for adding raw params to one raw queue: <c>RawQueues.&lt;Method&gt;.Name/Enqueue/EnqueueMany</c>
        /// and their async versions, shaped by the queue type (sorted sets take a score, timed sets a due time), plus
        /// <c>subqueue</c> overloads when the queue has subqueues. Every method builds its <c>RawParam[]</c> once and
        /// makes one <c>EnqueueRaw</c> call: one round trip, however many params.
        /// </summary>
        public static SourceText EmitRawQueue(RawQueueSpec queue)
        {
            var shape = RawShape.Of(queue.Type);
            var source = new SourceWriter();
            WriteHeader(source);
            OpenNamespace(source, queue.Namespace);
            source.WriteLine($"static partial class {FacadeNames.RawQueuesContainer}");
            source.OpenBlock();
            source.WriteLine("/// <summary>");
            source.WriteLine($"/// The raw queue <c>{XmlText(queue.Name)}</c>, {shape.Description}.");
            source.WriteLine($"/// A worker listening on it turns each raw param into a job with <see cref=\"{queue.Factory}(string)\"/>.");
            source.WriteLine("/// </summary>");
            source.WriteLine(s_generatedCodeAttribute);
            source.WriteLine($"public static partial class {Escape(queue.ClassName)}");
            source.OpenBlock();
            source.WriteLine("/// <summary>The raw queue's name.</summary>");
            source.WriteLine($"public const string Name = {StringLiteral(queue.Name)};");

            foreach (var subqueue in queue.HasSubqueues ? new[] { false, true } : new[] { false })
            {
                WriteRawEnqueueMethods(source, shape, subqueue);
                if (shape.DueNow is { } dueNow)
                {
                    WriteRawEnqueueMethods(source, dueNow, subqueue);
                }
            }

            source.CloseBlock();
            source.CloseBlock();
            CloseNamespace(source, queue.Namespace);
            return source.ToSourceText();
        }

        private static void WriteRawEnqueueMethods(SourceWriter source, RawShape shape, bool subqueue)
        {
            var target = subqueue ? "the subqueue <paramref name=\"subqueue\"/> of the queue" : "the queue";
            var prefix = subqueue ? "string subqueue, " : string.Empty;
            var queue = subqueue ? "Name + \"/\" + subqueue" : "Name";
            var one = $"new {RawParam}[] {{ {shape.Single} }}";
            var many = $"global::System.Linq.Enumerable.ToArray(global::System.Linq.Enumerable.Select({shape.ManyName}, {shape.Select}))";

            source.WriteLine();
            source.WriteLine($"/// <summary>Adds {shape.SingleSummary} to {target} with <see cref=\"{Client}\"/>.</summary>");
            source.WriteLine($"public static void Enqueue({prefix}{shape.SingleParameters})");
            WriteRawBody(source, subqueue, shape.SingleName, one, $"global::Mrq.MrqClientExtensions.EnqueueRaw({Client}, {queue}, rawParams);");

            source.WriteLine();
            source.WriteLine($"/// <summary>Adds {shape.SingleSummary} to {target} with <see cref=\"{Client}\"/>.</summary>");
            source.WriteLine($"public static global::System.Threading.Tasks.ValueTask EnqueueAsync({prefix}{shape.SingleParameters}, {CancellationTokenType} cancellationToken = default)");
            WriteRawBody(source, subqueue, shape.SingleName, one, $"return {Client}.EnqueueRawAsync({queue}, rawParams, cancellationToken);");

            source.WriteLine();
            source.WriteLine($"/// <summary>Adds {shape.ManySummary} to {target} in one round trip with <see cref=\"{Client}\"/>.</summary>");
            source.WriteLine($"public static void EnqueueMany({prefix}{shape.ManyParameter})");
            WriteRawBody(source, subqueue, shape.ManyName, many, $"global::Mrq.MrqClientExtensions.EnqueueRaw({Client}, {queue}, rawParams);");

            source.WriteLine();
            source.WriteLine($"/// <summary>Adds {shape.ManySummary} to {target} in one round trip with <see cref=\"{Client}\"/>.</summary>");
            source.WriteLine($"public static global::System.Threading.Tasks.ValueTask EnqueueManyAsync({prefix}{shape.ManyParameter}, {CancellationTokenType} cancellationToken = default)");
            WriteRawBody(source, subqueue, shape.ManyName, many, $"return {Client}.EnqueueRawAsync({queue}, rawParams, cancellationToken);");
        }

        // The locals' names cannot clash: every parameter name of these methods is fixed.
        private static void WriteRawBody(SourceWriter source, bool subqueue, string checkedParameter, string rawParams, string call)
        {
            source.OpenBlock();
            if (subqueue)
            {
                source.WriteLine("global::System.ArgumentException.ThrowIfNullOrEmpty(subqueue);");
            }

            source.WriteLine($"global::System.ArgumentNullException.ThrowIfNull({checkedParameter});");
            source.WriteLine($"var rawParams = {rawParams};");
            source.WriteLine(call);
            source.CloseBlock();
        }

        /// <summary>How one queue type's enqueue methods look: their parameters and how each becomes a RawParam.</summary>
        private sealed class RawShape
        {
            private const string NullParam = "throw new global::System.ArgumentException(\"A raw param is null.\", ";

            private static readonly RawShape s_list = Unscored("a list: first in, first out, duplicates kept");
            private static readonly RawShape s_set = Unscored("a set: each raw param once, dequeued in no particular order");

            // The scored shapes are alike by design: a table of what each raw queue type's methods take, one entry a
            // type, so the generated signatures of a type read in one place.
            private static readonly RawShape s_sorted = new()
            {
                Description = "a sorted set: each raw param once, dequeued by ascending score",
                SingleParameters = "string raw, double score",
                SingleName = "raw",
                Single = $"new {RawParam}(raw, score)",
                SingleSummary = "<paramref name=\"raw\"/> with its <paramref name=\"score\"/> (a raw param already there gets the new score)",
                ManyParameter = "global::System.Collections.Generic.IEnumerable<(string Raw, double Score)> items",
                ManyName = "items",
                Select = $"static item => new {RawParam}(item.Raw ?? {NullParam}\"items\"), item.Score)",
                ManySummary = "raw params with their scores",
            };

            private static readonly RawShape s_timed = new()
            {
                Description = "a timed set: each raw param once, dequeued when its due time has passed",
                SingleParameters = "string raw, global::System.DateTime due",
                SingleName = "raw",
                Single = $"{RawParam}.DueAt(raw, due)",
                SingleSummary = "<paramref name=\"raw\"/>, due at <paramref name=\"due\"/> (UTC unless its kind is local; a raw param already there gets the new due time)",
                ManyParameter = "global::System.Collections.Generic.IEnumerable<(string Raw, global::System.DateTime Due)> items",
                ManyName = "items",
                Select = $"static item => {RawParam}.DueAt(item.Raw ?? {NullParam}\"items\"), item.Due)",
                ManySummary = "raw params with their due times",
                DueNow = new()
                {
                    Description = "a timed set",
                    SingleParameters = "string raw",
                    SingleName = "raw",
                    Single = $"{RawParam}.DueAt(raw, global::System.DateTime.UtcNow)",
                    SingleSummary = "<paramref name=\"raw\"/>, due now (a raw param already there becomes due now)",
                    ManyParameter = "global::System.Collections.Generic.IEnumerable<string> raws",
                    ManyName = "raws",
                    Select = $"static raw => {RawParam}.DueAt(raw ?? {NullParam}\"raws\"), global::System.DateTime.UtcNow)",
                    ManySummary = "raw params, all due now,",
                },
            };

            public required string Description { get; init; }

            public required string SingleParameters { get; init; }

            public required string SingleName { get; init; }

            public required string Single { get; init; }

            public required string SingleSummary { get; init; }

            public required string ManyParameter { get; init; }

            public required string ManyName { get; init; }

            public required string Select { get; init; }

            public required string ManySummary { get; init; }

            /// <summary>Timed sets: the overloads that make raw params due now.</summary>
            public RawShape? DueNow { get; init; }

            public static RawShape Of(RawQueueType type) => type switch
            {
                RawQueueType.List => s_list,
                RawQueueType.Set => s_set,
                RawQueueType.SortedSet => s_sorted,
                _ => s_timed,
            };

            private static RawShape Unscored(string description) => new()
            {
                Description = description,
                SingleParameters = "string raw",
                SingleName = "raw",
                Single = $"new {RawParam}(raw)",
                SingleSummary = "<paramref name=\"raw\"/>",
                ManyParameter = "global::System.Collections.Generic.IEnumerable<string> raws",
                ManyName = "raws",
                Select = $"static raw => new {RawParam}(raw ?? {NullParam}\"raws\"))",
                ManySummary = "raw params",
            };
        }
    }
}
