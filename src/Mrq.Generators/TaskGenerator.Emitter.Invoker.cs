namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Emitter
    {
        private const string ValueTask = "global::System.Threading.Tasks.ValueTask";
        private const string BufferWriter = "global::System.Buffers.IBufferWriter<byte>";
        private const string ServiceProviderExtensions = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions";
        private const string ParamsException = "global::Mrq.Infrastructure.MrqParamsException";

        /// <summary>
        /// The task's entry in the dispatch table: reads the params, creates the task (with its constructor dependencies
        /// from a per-job service scope), runs it and writes the result. Only the registration refers to it, so it is
        /// emitted as implementation-only source.
        /// </summary>
        public static SourceText EmitInvoker(TaskSpec task)
        {
            var emitter = ForTask(task);
            var source = new SourceWriter();
            WriteHeader(source);
            OpenNamespace(source, task.Namespace);
            OpenFacade(source, task, summary: null);

            var parameters = task.Parameters.Where(static p => p.Kind == ParameterKind.Job).ToList();
            var isAsync = task.ReturnKind is ReturnKind.Task or ReturnKind.TaskOfT or ReturnKind.ValueTask or ReturnKind.ValueTaskOfT;
            var needsAsyncMethod = task.Dependencies.Count > 0
                || task.Disposal == Disposal.DisposeAsync
                || (isAsync && (task.Result is not null || task.Disposal != Disposal.None));

            source.WriteLine("/// <summary>Runs one job: reads its params, runs the task and writes its result.</summary>");
            source.WriteLine($"internal static {ValueTask} Invoke(global::Mrq.JobContext context, global::System.ReadOnlyMemory<byte> parameters, {BufferWriter} result)");
            source.OpenBlock();
            emitter.WriteReadParams(source, parameters);
            if (needsAsyncMethod)
            {
                var locals = string.Concat(parameters.Select(static p => ", " + Local(p)));
                source.WriteLine($"return InvokeAsync(context, result{locals});");
            }
            else
            {
                WriteSyncRun(source, task, isAsync);
            }

            source.CloseBlock();

            if (needsAsyncMethod)
            {
                source.WriteLine();
                WriteInvokeAsync(source, task, parameters, isAsync);
            }

            if (task.Result is not null)
            {
                source.WriteLine();
                source.WriteLine($"private static void WriteResult({BufferWriter} result, {task.Result.DeclaredName} value)");
                source.OpenBlock();
                source.WriteLine($"var writer = new {MessagePackWriter}(result);");
                emitter.WriteValue(source, task.Result, "value", "writer");
                source.WriteLine("writer.Flush();");
                source.CloseBlock();
            }

            CloseFacade(source, task);
            CloseNamespace(source, task.Namespace);
            return source.ToSourceText();
        }

        // Locals are prefixed (p_, has_) so that no param name can clash with the invoker's own names.
        private static string Local(ParameterSpec parameter) => "p_" + parameter.Name;

        private static string HasLocal(ParameterSpec parameter) => "has_" + parameter.Name;

        private void WriteReadParams(SourceWriter source, List<ParameterSpec> parameters)
        {
            foreach (var parameter in parameters)
            {
                var initial = parameter.DefaultValue ?? (parameter.Type.IsNonNullableReference ? "default!" : "default");
                source.WriteLine($"{parameter.Type.DeclaredName} {Local(parameter)} = {initial};");
            }

            foreach (var parameter in parameters.Where(static p => p.DefaultValue is null))
            {
                source.WriteLine($"var {HasLocal(parameter)} = false;");
            }

            if (parameters.Count > 0)
            {
                source.WriteLine("var paramIndex = -1;");
            }

            source.WriteLine("try");
            source.OpenBlock();
            source.WriteLine($"var reader = new {MessagePackReader}(parameters);");
            source.WriteLine($"var count = {Wire}.ReadParamsHeader(ref reader);");
            source.WriteLine(parameters.Count > 0 ? "for (var i = 0; i < count; i++)" : "if (count > 0)");
            source.OpenBlock();
            if (parameters.Count > 0)
            {
                source.WriteLine("paramIndex = -1;");
                source.WriteLine($"var key = {Wire}.ReadKey(ref reader);");
                for (var i = 0; i < parameters.Count; i++)
                {
                    var parameter = parameters[i];
                    source.WriteLine($"{(i == 0 ? "if" : "else if")} ({SequenceEqual}(key, {Utf8Literal(parameter.Name)}))");
                    source.OpenBlock();
                    source.WriteLine($"paramIndex = {Number(i)};");
                    if (parameter.Type.IsNonNullableReference)
                    {
                        source.WriteLine($"{Wire}.RejectNull(ref reader, {StringLiteral(ExpectedJson(parameter.Type))});");
                    }

                    ReadValue(source, parameter.Type, Local(parameter), "reader");
                    if (parameter.DefaultValue is null)
                    {
                        source.WriteLine($"{HasLocal(parameter)} = true;");
                    }

                    source.CloseBlock();
                }

                source.WriteLine("else");
                source.OpenBlock();
                source.WriteLine($"throw {ParamsException}.UnknownParam(key, {StringLiteral(string.Join(", ", parameters.Select(static p => p.Name)))});");
                source.CloseBlock();
            }
            else
            {
                source.WriteLine($"throw {ParamsException}.UnknownParam({Wire}.ReadKey(ref reader), \"\");");
            }

            source.CloseBlock();
            source.CloseBlock();
            source.WriteLine("catch (global::System.Exception ex)");
            source.OpenBlock();
            if (parameters.Count == 0)
            {
                source.WriteLine($"throw {ParamsException}.InvalidMap(Path, ex);");
            }
            else
            {
                source.WriteLine("throw paramIndex switch");
                source.OpenBlock();
                for (var i = 0; i < parameters.Count; i++)
                {
                    var parameter = parameters[i];
                    source.WriteLine($"{Number(i)} => {ParamsException}.InvalidParam(Path, {StringLiteral(parameter.Name)}, {ExpectedTypeLiteral(parameter.Type)}, ex),");
                }

                source.WriteLine($"_ => {ParamsException}.InvalidMap(Path, ex),");
                source.CloseBlock(";");
            }

            source.CloseBlock();

            foreach (var parameter in parameters.Where(static p => p.DefaultValue is null))
            {
                source.WriteLine();
                source.WriteLine($"if (!{HasLocal(parameter)})");
                source.OpenBlock();
                source.WriteLine($"throw {ParamsException}.Missing(Path, {StringLiteral(parameter.Name)}, {ExpectedTypeLiteral(parameter.Type)});");
                source.CloseBlock();
            }

            source.WriteLine();
        }

        private static string RunArguments(TaskSpec task) => string.Join(", ", task.Parameters.Select(static p => p.Kind switch
        {
            ParameterKind.Context => "context",
            ParameterKind.CancellationToken => "context.CancellationToken",
            _ => Local(p),
        }));

        // A task without dependencies, async disposal or an awaited result runs without an async state machine.
        private static void WriteSyncRun(SourceWriter source, TaskSpec task, bool isAsync)
        {
            var run = $"task.{task.MethodName}({RunArguments(task)})";
            source.WriteLine($"{(task.Disposal == Disposal.Dispose ? "using " : string.Empty)}var task = new {task.TaskType}();");
            if (isAsync)
            {
                source.WriteLine(task.ReturnKind == ReturnKind.Task ? $"return new {ValueTask}({run});" : $"return {run};");
                return;
            }

            if (task.Result is null)
            {
                source.WriteLine($"{run};");
            }
            else
            {
                source.WriteLine($"var value = {run};");
                source.WriteLine("WriteResult(result, value);");
            }

            source.WriteLine("return default;");
        }

        private static void WriteInvokeAsync(SourceWriter source, TaskSpec task, List<ParameterSpec> parameters, bool isAsync)
        {
            var declarations = string.Concat(parameters.Select(static p => $", {p.Type.DeclaredName} {Local(p)}"));
            source.WriteLine($"private static async {ValueTask} InvokeAsync(global::Mrq.JobContext context, {BufferWriter} result{declarations})");
            source.OpenBlock();
            var hasScope = task.Dependencies.Count > 0;
            if (hasScope)
            {
                source.WriteLine($"var scope = {ServiceProviderExtensions}.CreateAsyncScope(context.Services);");
                source.WriteLine("try");
                source.OpenBlock();
                source.WriteLine("var services = scope.ServiceProvider;");
                source.WriteLine($"var task = new {task.TaskType}(");
                source.Indentation++;
                for (var i = 0; i < task.Dependencies.Count; i++)
                {
                    var dependency = task.Dependencies[i];
                    var resolve = dependency.IsOptional
                        ? $"{ServiceProviderExtensions}.GetService<{dependency.Type.FullName}>(services){(dependency.Type.IsNonNullableReference ? "!" : string.Empty)}"
                        : $"{ServiceProviderExtensions}.GetRequiredService<{dependency.Type.FullName}>(services)";
                    source.WriteLine(resolve + (i == task.Dependencies.Count - 1 ? ");" : ","));
                }

                source.Indentation--;
            }
            else
            {
                source.WriteLine($"var task = new {task.TaskType}();");
            }

            if (task.Disposal != Disposal.None)
            {
                source.WriteLine("try");
                source.OpenBlock();
            }

            var run = $"task.{task.MethodName}({RunArguments(task)})";
            if (isAsync)
            {
                run = $"await {run}.ConfigureAwait(false)";
            }

            if (task.Result is null)
            {
                source.WriteLine($"{run};");
            }
            else
            {
                source.WriteLine($"var value = {run};");
                source.WriteLine("WriteResult(result, value);");
            }

            if (task.Disposal != Disposal.None)
            {
                source.CloseBlock();
                source.WriteLine("finally");
                source.OpenBlock();
                source.WriteLine(task.Disposal == Disposal.DisposeAsync
                    ? "await ((global::System.IAsyncDisposable)task).DisposeAsync().ConfigureAwait(false);"
                    : "((global::System.IDisposable)task).Dispose();");
                source.CloseBlock();
            }

            if (hasScope)
            {
                source.CloseBlock();
                source.WriteLine("finally");
                source.OpenBlock();
                source.WriteLine("await scope.DisposeAsync().ConfigureAwait(false);");
                source.CloseBlock();
            }

            source.CloseBlock();
        }
    }
}
