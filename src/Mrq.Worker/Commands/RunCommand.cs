using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Maintenance;
using Mrq.Serialization;
using Mrq.Storage;

namespace Mrq.Worker.Commands;

/// <summary>
/// MRQ's <c>mrq-run</c>: <c>run TASKPATH [JSON | key value ...] [--queue Q]</c>. Runs the task in this process and prints
/// its result as JSON, or with <c>--queue</c> enqueues it and prints the job id. One argument is a JSON object of params;
/// several are key/value pairs, each value read as JSON when it is valid JSON (so <c>n 42</c> is the number 42) and as a
/// string otherwise. A task that throws, retries or aborts prints its traceback on standard error and exits 1.
/// </summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(MrqCommandContext context)
    {
        if (context.Arguments.Count == 0)
        {
            throw new MrqUsageException("usage: run TASKPATH [JSON | key value ...] [--queue QUEUE]");
        }

        var path = context.Arguments[0];
        var parameters = ParseParams(context.Arguments.Skip(1).ToArray());
        if (context.Settings.Queue is { } queue)
        {
            var id = await context.Client.EnqueueAsync(new JobRequest(path, parameters, queue)).ConfigureAwait(false);
            context.Output.WriteLine(id.ToString());
            return 0;
        }

        if (!TaskCatalog.TryFind(path, out var task))
        {
            throw new MrqUsageException(new MrqTaskNotFoundException(path, TaskCatalog.All.Select(t => t.Path)).Message);
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        var result = new ArrayBufferWriter<byte>();
        var logger = context.Loggers.CreateLogger("mrq.run");
        try
        {
            await task.Invoke(new RunJobContext(path, context.Services, logger, cancellation.Token, context), parameters, result).ConfigureAwait(false);
        }
        catch (MrqParamsException e)
        {
            throw new MrqUsageException(e.Message, e);
        }
        catch (Exception e)
        {
            // mrq-run's behaviour: the task did not succeed, so print its traceback and exit 1.
            var status = e switch
            {
                JobRetryException => "retry",
                JobAbortException => "abort",
                OperationCanceledException when cancellation.IsCancellationRequested => "interrupt",
                _ => "failed",
            };
            Console.Error.WriteLine($"Job {path} ended {status}: {e.GetType().FullName}");
            Console.Error.WriteLine(ValueText.TruncateMiddle(e.ToString(), ValueText.MaxTracebackLength));
            return 1;
        }

        context.Output.WriteLine(result.WrittenCount == 0 ? "null" : MessagePackJson.ToJson(result.WrittenMemory));
        return 0;
    }

    private static byte[] ParseParams(IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0)
        {
            return MessagePackJson.FromJson("{}");
        }

        if (arguments.Count == 1)
        {
            try
            {
                using var document = JsonDocument.Parse(arguments[0]);
                return document.RootElement.ValueKind == JsonValueKind.Object
                    ? MessagePackJson.FromJson(document.RootElement)
                    : throw new MrqUsageException($"The params must be a JSON object such as '{{\"n\": 42}}', got {arguments[0]}.");
            }
            catch (JsonException e)
            {
                throw new MrqUsageException($"The params are not valid JSON ({e.Message}): {arguments[0]}", e);
            }
        }

        if (arguments.Count % 2 != 0)
        {
            throw new MrqUsageException("Number of arguments wasn't even: give one JSON object, or key value pairs.");
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            for (var i = 0; i < arguments.Count; i += 2)
            {
                writer.WritePropertyName(arguments[i]);
                if (IsJson(arguments[i + 1]))
                {
                    writer.WriteRawValue(arguments[i + 1]);
                }
                else
                {
                    writer.WriteStringValue(arguments[i + 1]);
                }
            }

            writer.WriteEndObject();
        }

        return MessagePackJson.FromJson(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The context of a task run in-process; built-in maintenance tasks reach the command's store through it.</summary>
    private sealed class RunJobContext(string path, IServiceProvider services, ILogger logger, CancellationToken cancellationToken, MrqCommandContext command) : JobContext, IMaintenanceContext
    {
        IJobStore IMaintenanceContext.Store => command.Client is StoreClient client ? client.Store : throw new InvalidOperationException("No job store.");

        TaskPolicies IMaintenanceContext.Policies => TaskPolicies.Create(command.Settings);

        string? IMaintenanceContext.WorkerId => null;

        public override JobId Id { get; } = JobId.NewId();

        public override string Path => path;

        public override string Queue => "";

        public override int RetryCount => 0;

        public override CancellationToken CancellationToken => cancellationToken;

        public override IServiceProvider Services => services;

        public override ILogger Logger => logger;

        // As in a worker: the configured broker's counters, so a task run by hand counts against the workers' limits.
        protected override ValueTask<long> CountRateLimitedCallAsync(string key, TimeSpan per, CancellationToken cancellationToken) =>
            command.Client is StoreClient client
                ? client.Broker.CountCallsAsync(key, 1, per, DateTime.UtcNow, cancellationToken)
                : throw new InvalidOperationException("No broker for rate limits.");
    }
}
