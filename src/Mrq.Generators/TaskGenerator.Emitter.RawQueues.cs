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
            WriteRawBody(source, subqueue, "raw", one, $"global::Mrq.MrqClientExtensions.EnqueueRaw({Client}, {queue}, rawParams);");

            source.WriteLine();
            source.WriteLine($"/// <summary>Adds {shape.SingleSummary} to {target} with <see cref=\"{Client}\"/>.</summary>");
            source.WriteLine($"public static global::System.Threading.Tasks.ValueTask EnqueueAsync({prefix}{shape.SingleParameters}, {CancellationTokenType} cancellationToken = default)");
            WriteRawBody(source, subqueue, "raw", one, $"return {Client}.EnqueueRawAsync({queue}, rawParams, cancellationToken);");

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
        /// <param name="Description">What the queue type is, for the class's summary.</param>
        /// <param name="SingleParameters">The single-param methods' parameters after the subqueue; the raw param is always <c>raw</c>.</param>
        /// <param name="Single">The RawParam expression of the single-param methods.</param>
        /// <param name="SingleSummary">What the single-param methods add, for their summaries.</param>
        /// <param name="ManyParameter">The many-param methods' parameter after the subqueue.</param>
        /// <param name="ManyName">That parameter's name.</param>
        /// <param name="Select">The lambda that makes each of its items a RawParam.</param>
        /// <param name="ManySummary">What the many-param methods add, for their summaries.</param>
        /// <param name="DueNow">Timed sets: the overloads that make raw params due now.</param>
        private sealed record RawShape(
            string Description,
            string SingleParameters,
            string Single,
            string SingleSummary,
            string ManyParameter,
            string ManyName,
            string Select,
            string ManySummary,
            RawShape? DueNow)
        {
            private const string NullParam = "throw new global::System.ArgumentException(\"A raw param is null.\", ";

            private static readonly RawShape s_list = Unscored("a list: first in, first out, duplicates kept");
            private static readonly RawShape s_set = Unscored("a set: each raw param once, dequeued in no particular order");

            // The two scored types' entries are alike on purpose: a table of what each type's methods take, one entry a
            // type, so a type's generated signatures read in one place.
            private static readonly RawShape s_sorted = Scored(
                "a sorted set: each raw param once, dequeued by ascending score",
                "double",
                "Score",
                static (raw, score) => $"new {RawParam}({raw}, {score})",
                "<paramref name=\"raw\"/> with its <paramref name=\"score\"/> (a raw param already there gets the new score)",
                "raw params with their scores");

            private static readonly RawShape s_timed = Scored(
                "a timed set: each raw param once, dequeued when its due time has passed",
                "global::System.DateTime",
                "Due",
                static (raw, due) => $"{RawParam}.DueAt({raw}, {due})",
                "<paramref name=\"raw\"/>, due at <paramref name=\"due\"/> (UTC unless its kind is local; a raw param already there gets the new due time)",
                "raw params with their due times",
                dueNow: Unscored(
                    "a timed set",
                    static raw => $"{RawParam}.DueAt({raw}, global::System.DateTime.UtcNow)",
                    "<paramref name=\"raw\"/>, due now (a raw param already there becomes due now)",
                    "raw params, all due now,"));

            public static RawShape Of(RawQueueType type) => type switch
            {
                RawQueueType.List => s_list,
                RawQueueType.Set => s_set,
                RawQueueType.SortedSet => s_sorted,
                _ => s_timed,
            };

            // A raw param alone: `raw`, or `raws` for many; toRawParam makes the RawParam expression from the string's.
            private static RawShape Unscored(string description, Func<string, string>? toRawParam = null, string singleSummary = "<paramref name=\"raw\"/>", string manySummary = "raw params")
            {
                toRawParam ??= static raw => $"new {RawParam}({raw})";
                return new RawShape(
                    description,
                    "string raw",
                    toRawParam("raw"),
                    singleSummary,
                    "global::System.Collections.Generic.IEnumerable<string> raws",
                    "raws",
                    $"static raw => {toRawParam($"raw ?? {NullParam}\"raws\")")}",
                    manySummary,
                    DueNow: null);
            }

            // A raw param with a value (a score, a due time): `raw` and the value's parameter for one, `items` of
            // (Raw, Value) tuples for many; toRawParam makes the RawParam expression from the string's and the value's.
            private static RawShape Scored(string description, string valueType, string member, Func<string, string, string> toRawParam, string singleSummary, string manySummary, RawShape? dueNow = null)
            {
                var value = member.ToLowerInvariant();
                return new RawShape(
                    description,
                    $"string raw, {valueType} {value}",
                    toRawParam("raw", value),
                    singleSummary,
                    $"global::System.Collections.Generic.IEnumerable<(string Raw, {valueType} {member})> items",
                    "items",
                    $"static item => {toRawParam($"item.Raw ?? {NullParam}\"items\")", "item." + member)}",
                    manySummary,
                    dueNow);
            }
        }
    }
}
