using Mrq.Tests.Support;

namespace Mrq.Tests.EndToEnd;

/// <summary>MRQ's mrq-run through the sample program, and a timeout seen from a real worker process.</summary>
public sealed class RunCommandTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("{\"n\": 42}")]
    [InlineData("n", "42")]
    public async Task Run_prints_the_result_as_json(params string[] parameters)
    {
        using var dir = new TempDirectory();
        using var run = ChildProcess.StartSample(dir.Path, ["run", "tasks.Square", .. parameters]);
        Assert.Equal(0, await run.WaitForExitAsync(s_timeout));
        Assert.Equal("1764", run.StandardOutput.Trim());
    }

    [Theory]
    [InlineData("tasks.Nope", "{}", "'tasks.Nope'")]
    [InlineData("tasks.Square", "{\"n\": ", "not valid JSON")]
    [InlineData("tasks.Square", "[1, 2]", "must be a JSON object")]
    [InlineData("tasks.Square", "{\"n\": \"abc\"}", "'n'")]
    public async Task Run_with_bad_input_exits_2_with_a_message_naming_it(string path, string parameters, string named)
    {
        using var dir = new TempDirectory();
        using var run = ChildProcess.StartSample(dir.Path, "run", path, parameters);
        Assert.Equal(2, await run.WaitForExitAsync(s_timeout));
        Assert.Contains(named, run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_queue_enqueues_and_a_worker_runs_it()
    {
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(SamplePaths.QueuePerformanceDirectory, "mrq-config.json"), dir.File("mrq-config.json"));
        using var run = ChildProcess.StartSample(dir.Path, "run", "tasks.Square", "{\"n\": 5}", "--queue", "square");
        Assert.Equal(0, await run.WaitForExitAsync(s_timeout));
        var id = JobId.Parse(run.StandardOutput.Trim());

        using var worker = ChildProcess.StartSample(dir.Path, "worker", "square");
        Assert.Equal(0, await worker.WaitForExitAsync(s_timeout));

        var job = Assert.Single(await JobsInDatabase.ReadAllAsync(dir.File("mrq.db")));
        Assert.Equal(id, job.Id);
        Assert.Equal(JobStatus.Success, job.Status);
        Assert.Equal(25, MessagePack.MessagePackSerializer.Deserialize<int>(job.Result!.Value));
    }

    [Fact]
    public async Task A_worker_process_times_out_a_job_using_the_TASKS_config()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("mrq-config.json"), """
            { "DEQUEUE_STRATEGY": "burst", "TASKS": { "tasks.IO": { "timeout": 1 } } }
            """);
        using (var run = ChildProcess.StartSample(dir.Path, "run", "tasks.IO", "{\"ms\": 60000}", "--queue", "io"))
        {
            Assert.Equal(0, await run.WaitForExitAsync(s_timeout));
        }

        using var worker = ChildProcess.StartSample(dir.Path, "worker", "io");
        Assert.Equal(0, await worker.WaitForExitAsync(s_timeout));

        var job = Assert.Single(await JobsInDatabase.ReadAllAsync(dir.File("mrq.db")));
        Assert.Equal(JobStatus.Timeout, job.Status);
        Assert.Equal("TimeoutInterrupt", job.ExceptionType);
        Assert.Contains("timed out after 1s", worker.StandardError, StringComparison.Ordinal);
    }
}
