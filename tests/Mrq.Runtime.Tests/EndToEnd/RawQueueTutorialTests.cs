using System.Globalization;
using System.Text.RegularExpressions;
using Mrq.Tests.Broker;
using Mrq.Tests.Support;

namespace Mrq.Tests.EndToEnd;

/// <summary>
/// The tutorial's raw-queue sections as real child processes of the sample: `enqueue square_raw 2000 && worker
/// square_raw --greenlets 30` and the Redis-only `square_nostorage_raw`, on the embedded broker and on a real
/// redis-server.
/// </summary>
[Collection(RedisServerCollection.Name)]
public sealed partial class RawQueueTutorialTests(RedisServerFixture redis)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Square_raw_stores_every_job_with_its_result(bool onRedis)
    {
        using var dir = new TempDirectory();
        var flags = Flags(onRedis);
        await RunAsync(dir, ["enqueue", "square_raw", "2000", .. flags]);
        var worker = await RunAsync(dir, ["worker", "square_raw", "--greenlets", "30", .. flags]);

        Assert.Equal(2000, JobsDone(worker));
        var jobs = await JobsInDatabase.ReadAllAsync(dir.File("mrq.db"));
        Assert.Equal(2000, jobs.Count);
        Assert.All(jobs, job =>
        {
            Assert.Equal(JobStatus.Success, job.Status);
            Assert.Equal("square_raw", job.RawQueue);
            Assert.Equal("default", job.Queue);
            Assert.Equal(1764, MessagePack.MessagePackSerializer.Deserialize<int>(job.Result!.Value));
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Square_nostorage_raw_runs_every_job_and_stores_none(bool onRedis)
    {
        using var dir = new TempDirectory();
        var flags = Flags(onRedis);
        await RunAsync(dir, ["enqueue", "square_nostorage_raw", "20000", .. flags]);
        var worker = await RunAsync(dir, ["worker", "square_nostorage_raw", "--greenlets", "50", .. flags]);

        Assert.Equal(20000, JobsDone(worker));
        Assert.Empty(await JobsInDatabase.ReadAllAsync(dir.File("mrq.db")));
    }

    private string[] Flags(bool onRedis) => onRedis
        ? ["--redis", $"redis://127.0.0.1:{redis.Port}", "--redis_prefix", "tutorial" + Guid.NewGuid().ToString("N")]
        : [];

    private static async Task<ChildProcess> RunAsync(TempDirectory dir, string[] arguments)
    {
        if (!File.Exists(dir.File("mrq-config.json")))
        {
            File.Copy(Path.Combine(SamplePaths.QueuePerformanceDirectory, "mrq-config.json"), dir.File("mrq-config.json"));
        }

        var process = ChildProcess.StartSample(dir.Path, arguments);
        Assert.True(await process.WaitForExitAsync(s_timeout) == 0, $"{string.Join(' ', arguments)} failed:\n{process.StandardError}");
        return process;
    }

    private static int JobsDone(ChildProcess worker)
    {
        var line = WorkerSpentLine().Match(worker.StandardError);
        Assert.True(line.Success, "no 'Worker spent' line in:\n" + worker.StandardError);
        return int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Worker spent [0-9.]+ seconds performing ([0-9]+) jobs")]
    private static partial Regex WorkerSpentLine();
}
