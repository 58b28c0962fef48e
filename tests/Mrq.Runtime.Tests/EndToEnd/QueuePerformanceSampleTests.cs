using System.Globalization;
using System.Text.RegularExpressions;
using MessagePack;
using Mrq.Storage.Sqlite;
using Mrq.Tests.Support;

namespace Mrq.Tests.EndToEnd;

/// <summary>The tutorial's commands, run as real child processes of the built sample on a real SQLite file.</summary>
public sealed partial class QueuePerformanceSampleTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Enqueue_then_burst_worker_runs_all_200_jobs_with_result_1764()
    {
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(SamplePaths.QueuePerformanceDirectory, "mrq-config.json"), dir.File("mrq-config.json"));

        using (var enqueue = ChildProcess.StartSample(dir.Path, "enqueue", "square", "200"))
        {
            Assert.Equal(0, await enqueue.WaitForExitAsync(s_timeout));
        }

        using var worker = ChildProcess.StartSample(dir.Path, "worker", "square", "--greenlets", "50");
        Assert.Equal(0, await worker.WaitForExitAsync(s_timeout));

        var line = WorkerSpentLine().Match(worker.StandardError);
        Assert.True(line.Success, "no 'Worker spent' line in:\n" + worker.StandardError);
        Assert.Equal(200, int.Parse(line.Groups["jobs"].Value, CultureInfo.InvariantCulture));
        Assert.True(double.Parse(line.Groups["rate"].Value, CultureInfo.InvariantCulture) > 0);

        var jobs = await JobsInDatabase.ReadAllAsync(dir.File("mrq.db"));
        Assert.Equal(200, jobs.Count);
        Assert.All(jobs, job =>
        {
            Assert.Equal(JobStatus.Success, job.Status);
            Assert.Equal("tasks.Square", job.Path);
            Assert.Equal("square", job.Queue);
            Assert.Equal(1764, MessagePackSerializer.Deserialize<int>(job.Result!.Value, MessagePackSerializerOptions.Standard));
            Assert.NotNull(job.Worker);
            Assert.NotNull(job.DateStarted);
        });
    }

    [Fact]
    public async Task Unknown_task_path_and_bad_params_fail_only_those_jobs()
    {
        using var dir = new TempDirectory();
        var db = dir.File("mrq.db");
        JobId unknown, malformed;
        IReadOnlyList<JobId> good;
        await using (var client = (StoreClient)MrqClient.Create(new() { EmbeddedDb = db }))
        {
            unknown = client.Enqueue(new JobRequest("tasks.DoesNotExist", new byte[] { 0x80 }, "square"));
            malformed = client.Enqueue(new JobRequest("tasks.Square", new byte[] { 0x81, 0xA1, (byte)'n', 0xA3, (byte)'a', (byte)'b', (byte)'c' }, "square"));
            good = client.EnqueueMany(Enumerable.Repeat(new JobRequest("tasks.Square", new byte[] { 0x81, 0xA1, (byte)'n', 0x03 }, "square"), 10).ToArray());
        }

        using var worker = ChildProcess.StartSample(dir.Path, "worker", "square", "--greenlets", "4", "--dequeue_strategy", "burst");
        Assert.Equal(0, await worker.WaitForExitAsync(s_timeout));
        Assert.Contains("performing 12 jobs", worker.StandardError, StringComparison.Ordinal);

        await using var store = SqliteJobStore.Open(db);
        var notFound = (await store.GetAsync(unknown))!;
        Assert.Equal(JobStatus.Failed, notFound.Status);
        Assert.Equal(typeof(MrqTaskNotFoundException).FullName, notFound.ExceptionType);
        Assert.Contains("'tasks.DoesNotExist'", notFound.Traceback, StringComparison.Ordinal);

        var badParams = (await store.GetAsync(malformed))!;
        Assert.Equal(JobStatus.Failed, badParams.Status);
        Assert.Contains("tasks.Square", badParams.Traceback, StringComparison.Ordinal);
        Assert.Contains("'n'", badParams.Traceback, StringComparison.Ordinal);

        foreach (var id in good)
        {
            var job = (await store.GetAsync(id))!;
            Assert.Equal(JobStatus.Success, job.Status);
            Assert.Equal(9, MessagePackSerializer.Deserialize<int>(job.Result!.Value, MessagePackSerializerOptions.Standard));
        }
    }

    [Theory]
    [InlineData("--greenlets", "abc", "--greenlets")]
    [InlineData("--greenlets", "0", "--greenlets")]
    [InlineData("--dequeue_strategy", "fastest", "--dequeue_strategy")]
    [InlineData("--no_such_flag", "1", "--no_such_flag")]
    public async Task Bad_flag_stops_the_worker_at_start_with_exit_code_2_naming_it(string flag, string value, string named)
    {
        using var dir = new TempDirectory();
        using var worker = ChildProcess.StartSample(dir.Path, "worker", "square", flag, value);
        Assert.Equal(2, await worker.WaitForExitAsync(s_timeout));
        Assert.Contains(named, worker.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("mrq.db")), "a rejected start must not touch the store");
    }

    [Fact]
    public async Task Bad_config_file_value_stops_the_worker_with_exit_code_2_naming_the_key()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("mrq-config.json"), """{ "DEQUEUE_STRATEGY": "burst", "GREENLETS": "many" }""");
        using var worker = ChildProcess.StartSample(dir.Path, "worker", "square");
        Assert.Equal(2, await worker.WaitForExitAsync(s_timeout));
        Assert.Contains("GREENLETS in mrq-config.json", worker.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_environment_value_stops_the_worker_with_exit_code_2_naming_the_variable()
    {
        using var dir = new TempDirectory();
        using var worker = ChildProcess.Start("dotnet", [SamplePaths.QueuePerformanceDll, "worker", "square"], dir.Path, new Dictionary<string, string> { ["MRQ_MAX_LATENCY"] = "-1" });
        Assert.Equal(2, await worker.WaitForExitAsync(s_timeout));
        Assert.Contains("MRQ_MAX_LATENCY", worker.StandardError, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Worker spent (?<seconds>[0-9.]+) seconds performing (?<jobs>[0-9]+) jobs \((?<rate>[0-9.]+) jobs/second\)")]
    private static partial Regex WorkerSpentLine();
}
