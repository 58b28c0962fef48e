namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Emitter
    {
        // Tuple element names the compiler reserves (CS8126); ItemN is only allowed at position N (CS8125).
        private static readonly HashSet<string> s_reservedTupleNames = ["CompareTo", "Deconstruct", "Equals", "GetHashCode", "GetType", "Rest", "ToString"];

        /// <summary>The typed API users call: <c>Tasks.&lt;Name&gt;.Job/Enqueue/EnqueueAsync/EnqueueMany/GetResult</c>.</summary>
        public static SourceText EmitFacade(TaskSpec task)
        {
            var emitter = ForTask(task);
            var source = new SourceWriter();
            WriteHeader(source);
            OpenNamespace(source, task.Namespace);
            OpenFacade(source, task, $"/// <summary>Jobs of the task <see cref=\"{task.TaskType}\"/>, path <c>{XmlText(task.Path)}</c>.</summary>");
            source.WriteLine("/// <summary>The task path stored with every job.</summary>");
            source.WriteLine($"public const string Path = {StringLiteral(task.Path)};");
            source.WriteLine();
            source.WriteLine("/// <summary>The queue jobs go to unless another is named.</summary>");
            source.WriteLine($"public const string DefaultQueue = {StringLiteral(task.Queue)};");

            var parameters = task.Parameters.Where(static p => p.Kind == ParameterKind.Job).ToList();
            var names = new HashSet<string>(parameters.Select(static p => p.Name));
            var facade = task.FacadeType;
            string Member(string name) => names.Contains(name) ? $"{facade}.{name}" : name;

            var declarations = string.Join(", ", parameters.Select(static p => $"{p.Type.DeclaredName} {Escape(p.Name)}{(p.DefaultValue is null ? string.Empty : " = " + p.DefaultValue)}"));
            var arguments = string.Join(", ", parameters.Select(static p => Escape(p.Name)));

            source.WriteLine();
            emitter.WriteJob(source, parameters, declarations, Member);

            source.WriteLine();
            source.WriteLine($"/// <summary>Enqueues a job on <see cref=\"DefaultQueue\"/> with <see cref=\"global::Mrq.MrqClient.Default\"/>.</summary>");
            source.WriteLine($"public static global::Mrq.JobId Enqueue({declarations}) => global::Mrq.MrqClientExtensions.Enqueue(global::Mrq.MrqClient.Default, {Member("Job")}({arguments}));");

            var cancellationToken = Unique("cancellationToken", names);
            source.WriteLine();
            source.WriteLine($"/// <summary>Enqueues a job on <see cref=\"DefaultQueue\"/> with <see cref=\"global::Mrq.MrqClient.Default\"/>.</summary>");
            source.WriteLine($"public static global::System.Threading.Tasks.ValueTask<global::Mrq.JobId> EnqueueAsync({declarations}{(parameters.Count > 0 ? ", " : string.Empty)}global::System.Threading.CancellationToken {cancellationToken} = default) =>");
            source.WriteLine($"    global::Mrq.MrqClientExtensions.EnqueueAsync(global::Mrq.MrqClient.Default, {Member("Job")}({arguments}), {cancellationToken});");

            source.WriteLine();
            WriteEnqueueMany(source, parameters, names, Member);

            WriteExplicitClientOverloads(source, parameters, names, declarations, arguments, Member);

            if (task.Result is not null)
            {
                source.WriteLine();
                emitter.WriteGetResult(source, task.Result, Member);
            }

            CloseFacade(source, task);
            CloseNamespace(source, task.Namespace);
            return source.ToSourceText();
        }

        private void WriteJob(SourceWriter source, List<ParameterSpec> parameters, string declarations, System.Func<string, string> member)
        {
            source.WriteLine("/// <summary>Creates a job with these params, ready to enqueue (on another queue with <see cref=\"global::Mrq.JobRequest.OnQueue(string)\"/>).</summary>");
            if (parameters.Count == 0)
            {
                source.WriteLine($"public static global::Mrq.JobRequest Job() => new global::Mrq.JobRequest({member("Path")}, global::Mrq.Infrastructure.ParamsBuffer.EmptyMap, {member("DefaultQueue")});");
                return;
            }

            var names = new HashSet<string>(parameters.Select(static p => p.Name));
            var buffer = Unique("buffer", names);
            var writer = Unique("writer", names);
            source.WriteLine($"public static global::Mrq.JobRequest Job({declarations})");
            source.OpenBlock();
            source.WriteLine($"var {buffer} = global::Mrq.Infrastructure.ParamsBuffer.Rent();");
            source.WriteLine($"var {writer} = new {MessagePackWriter}({buffer});");
            source.WriteLine($"{writer}.WriteMapHeader({Number(parameters.Count)});");
            foreach (var parameter in parameters)
            {
                source.WriteLine($"{writer}.WriteString({Utf8Literal(parameter.Name)});");
                WriteValue(source, parameter.Type, Escape(parameter.Name), writer);
            }

            source.WriteLine($"{writer}.Flush();");
            source.WriteLine($"return new global::Mrq.JobRequest({member("Path")}, global::Mrq.Infrastructure.ParamsBuffer.ToArrayAndReturn({buffer}), {member("DefaultQueue")});");
            source.CloseBlock();
        }

        /// <param name="client">The name of a leading <c>IMrqClient</c> parameter to enqueue with; null for <c>MrqClient.Default</c>.</param>
        private static void WriteEnqueueMany(SourceWriter source, List<ParameterSpec> parameters, HashSet<string> names, System.Func<string, string> member, string? client = null)
        {
            const string Returns = "global::System.Collections.Generic.IReadOnlyList<global::Mrq.JobId>";
            const string JobList = "global::System.Collections.Generic.List<global::Mrq.JobRequest>";
            var clientParameter = client is null ? string.Empty : $"{ClientType} {client}, ";
            var enqueuer = client ?? "global::Mrq.MrqClient.Default";
            source.WriteLine("/// <summary>Enqueues one job per item with one batched bulk insert and returns their ids in order.</summary>");
            if (parameters.Count == 0)
            {
                source.WriteLine($"public static {Returns} EnqueueMany({clientParameter}int count)");
                source.OpenBlock();
                WriteClientCheck(source, client);
                source.WriteLine("global::System.ArgumentOutOfRangeException.ThrowIfNegative(count);");
                source.WriteLine("var jobs = new global::Mrq.JobRequest[count];");
                source.WriteLine($"global::System.Array.Fill(jobs, {member("Job")}());");
                source.WriteLine($"return global::Mrq.MrqClientExtensions.EnqueueMany({enqueuer}, jobs);");
                source.CloseBlock();
                return;
            }

            string items, element;
            string[] itemArguments;
            var jobs = Unique("jobs", names);
            var count = Unique("count", names);
            var item = Unique("item", names);
            if (parameters.Count == 1)
            {
                items = Escape(parameters[0].Name);
                element = parameters[0].Type.DeclaredName;
                itemArguments = [item];
            }
            else
            {
                items = Unique("items", names);
                var named = parameters.Select((p, i) => IsValidTupleElementName(p.Name, i)).All(static ok => ok);
                element = "(" + string.Join(", ", parameters.Select(p => named ? $"{p.Type.DeclaredName} {Escape(p.Name)}" : p.Type.DeclaredName)) + ")";
                itemArguments = parameters.Select((p, i) => named ? $"{item}.{Escape(p.Name)}" : $"{item}.Item{Number(i + 1)}").ToArray();
            }

            source.WriteLine($"public static {Returns} EnqueueMany({clientParameter}global::System.Collections.Generic.IEnumerable<{element}> {items})");
            source.OpenBlock();
            WriteClientCheck(source, client);
            source.WriteLine($"global::System.ArgumentNullException.ThrowIfNull({items});");
            source.WriteLine($"var {jobs} = new {JobList}(global::System.Linq.Enumerable.TryGetNonEnumeratedCount({items}, out var {count}) ? {count} : 0);");
            source.WriteLine($"foreach (var {item} in {items})");
            source.OpenBlock();
            source.WriteLine($"{jobs}.Add({member("Job")}({string.Join(", ", itemArguments)}));");
            source.CloseBlock();
            source.WriteLine();
            source.WriteLine($"return global::Mrq.MrqClientExtensions.EnqueueMany({enqueuer}, {jobs});");
            source.CloseBlock();
        }

        private static bool IsValidTupleElementName(string name, int index) =>
            !s_reservedTupleNames.Contains(name) && (!IsTupleItemName(name) || name == "Item" + Number(index + 1));

        private static bool IsTupleItemName(string name) =>
            name.StartsWith("Item", System.StringComparison.Ordinal) && name.Length > 4 && name.Skip(4).All(char.IsDigit) && name[4] != '0';

        private void WriteGetResult(SourceWriter source, TypeRef result, System.Func<string, string> member)
        {
            source.WriteLine("/// <summary>Reads the result of a job of this task that ended with status <c>success</c>.</summary>");
            source.WriteLine("/// <exception cref=\"global::System.InvalidOperationException\">The job is of another task, or its status is not <c>success</c>.</exception>");
            source.WriteLine($"public static {result.DeclaredName} GetResult(global::Mrq.JobInfo job)");
            source.OpenBlock();
            source.WriteLine($"if (!global::Mrq.Infrastructure.TaskResults.TryGetResult(job, {member("Path")}, out var result))");
            source.OpenBlock();
            source.WriteLine(result.IsNonNullableReference ? "return default!;" : "return default;");
            source.CloseBlock();
            source.WriteLine();
            source.WriteLine($"var reader = new {MessagePackReader}(result);");
            ReadValue(source, result, "reader", "value", static value => $"return {value};");
            source.CloseBlock();
        }
    }
}
