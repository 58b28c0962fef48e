using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Mrq;
using SharedTasks;

// A minimal API that enqueues jobs and runs them in the same process (set RunWorker=false to leave them to
// samples/Worker). Native AOT ready: dotnet publish -c Release -r linux-x64 -p:PublishAot=true.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebAppJson.Default));
builder.Services.AddMrq();
builder.Services.AddMrqTasksFromSharedTasks();
builder.Services.AddScoped<SquareAudit>();
if (builder.Configuration.GetValue("RunWorker", defaultValue: true))
{
    builder.Services.AddMrqWorker();
}

builder.Services.AddHealthChecks().AddMrqHealthChecks();

var app = builder.Build();

app.MapPost("/squares/{n:int}", async (int n, IMrqClient client, CancellationToken cancellationToken) =>
{
    var id = await client.EnqueueAsync(Tasks.Square.Job(n), cancellationToken);
    return Results.Created($"/jobs/{id}", new EnqueuedJob(id.ToString()));
});

// Enqueue and wait for the outcome within the request: an idle worker starts the job within milliseconds, and the wait
// goes on through retries. Past the timeout the job keeps its place in the queue; the client can poll /jobs/{id}.
app.MapGet("/squares/{n:int}", async (int n, IMrqClient client, CancellationToken cancellationToken) =>
{
    var id = await client.EnqueueAsync(Tasks.Square.Job(n), cancellationToken);
    try
    {
        var job = await client.WaitForFinalStatusAsync(id, TimeSpan.FromSeconds(10), cancellationToken);
        return job.Status == JobStatus.Success
            ? Results.Ok(new Squared(n, Tasks.Square.GetResult(job), id.ToString()))
            : Results.Json(new Problem($"Job {id} ended {job.Status.ToName()}: {job.ExceptionType}."), WebAppJson.Default.Problem, statusCode: StatusCodes.Status502BadGateway);
    }
    catch (TimeoutException)
    {
        return Results.Json(new Problem($"Job {id} has not finished yet; see /jobs/{id}."), WebAppJson.Default.Problem, statusCode: StatusCodes.Status504GatewayTimeout);
    }
});

app.MapGet("/jobs/{id}", async (string id, IMrqClient client, CancellationToken cancellationToken) =>
{
    if (!JobId.TryParse(id, out var jobId))
    {
        return Results.BadRequest(new Problem($"'{id}' is not a job id (24 hexadecimal digits)."));
    }

    var job = await client.GetJobAsync(jobId, cancellationToken);
    return job is null
        ? Results.NotFound(new Problem($"No job {id}."))
        : Results.Ok(new JobState(id, job.Path, job.Queue, job.Status.ToName(), job.Status == JobStatus.Success ? Tasks.Square.GetResult(job) : null, job.ExceptionType));
});

app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });

app.Run();

internal sealed record EnqueuedJob(string Id);

internal sealed record Squared(int N, int Square, string Job);

internal sealed record JobState(string Id, string Path, string Queue, string Status, int? Result, string? ExceptionType);

internal sealed record Problem(string Error);

[JsonSerializable(typeof(EnqueuedJob))]
[JsonSerializable(typeof(Squared))]
[JsonSerializable(typeof(JobState))]
[JsonSerializable(typeof(Problem))]
internal sealed partial class WebAppJson : JsonSerializerContext;
