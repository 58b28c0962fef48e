using System.Globalization;
using System.Text.RegularExpressions;
using Mrq.Configuration;
using Mrq.Tests.Support;
using StackExchange.Redis;

namespace Mrq.Tests.EndToEnd;

/// <summary>
/// The rule "no Mrq command ends with an unhandled exception", against real faults: a redis-server that is stopped and
/// started again, one that is not there, and store files that are not databases, read-only or on a full disk. Every
/// command is the sample's real process (worker, enqueue through the client, run, the supervisor with --processes).
/// </summary>
/// <remarks>
/// Read-only files mean nothing to root: when the tests run as root, the commands facing a read-only file or folder run
/// as the user nobody (util-linux's setpriv). The full disk is a 256 KiB tmpfs, mounted only where the tests may mount
/// (as root); elsewhere that one test is reported as skipped with the reason.
/// </remarks>
public sealed partial class FaultTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    public static TheoryData<string[]> RedisCommands => new()
    {
        { new[] { "enqueue", "square_raw", "10" } },
        { new[] { "worker", "square_raw" } },
        { new[] { "worker", "square" } },
        { new[] { "worker", "square", "--processes", "2" } },
    };

    [Theory]
    [MemberData(nameof(RedisCommands))]
    public async Task Unreachable_redis_ends_each_command_with_one_line_and_exit_code_1(string[] command)
    {
        using var dir = SampleDirectory();
        var uri = $"redis://127.0.0.1:{RestartableRedis.FreeLoopbackPort()}";
        using var process = ChildProcess.StartSample(dir.Path, [.. command, "--redis", uri, "--connect_timeout", "1"]);
        var exit = await process.WaitForExitAsync(s_timeout);

        AssertOneLineError(process, exit, $"Redis at {uri} is unreachable");
    }

    [Fact]
    public async Task Debug_log_level_adds_the_stack_to_the_one_line_error()
    {
        using var dir = SampleDirectory();
        var uri = $"redis://127.0.0.1:{RestartableRedis.FreeLoopbackPort()}";
        using var process = ChildProcess.StartSample(dir.Path, "worker", "square_raw", "--redis", uri, "--connect_timeout", "1", "--log_level", "DEBUG");

        Assert.Equal(1, await process.WaitForExitAsync(s_timeout));
        Assert.Contains($"mrq: error: Redis at {uri} is unreachable", process.StandardError, StringComparison.Ordinal);
        Assert.Contains("   at ", process.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", process.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_raw_queue_worker_rides_out_a_redis_restart_and_resumes_by_itself(bool kill)
    {
        const int Count = 5000;
        const int Greenlets = 5;
        using var redis = await RestartableRedis.StartAsync();
        using var dir = SampleDirectory();
        string[] flags = ["--redis", redis.Uri, "--connect_timeout", "2"];
        using (var enqueue = ChildProcess.StartSample(dir.Path, ["enqueue", "square_raw", Count.ToString(CultureInfo.InvariantCulture), .. flags]))
        {
            Assert.True(await enqueue.WaitForExitAsync(s_timeout) == 0, enqueue.StandardError);
        }

        // Not in burst mode: a worker can drain the whole queue before Redis stops (5,000 no-op jobs take it well under a
        // second), and must then still be there to hit the outage at its next poll and to take what is pushed once Redis
        // is back, which it can only do if it resumed by itself.
        using var worker = ChildProcess.StartSample(dir.Path, ["worker", "square_raw", "--greenlets", Greenlets.ToString(CultureInfo.InvariantCulture), "--dequeue_strategy", "sequential", "--max_latency", "0.05", .. flags]);
        await Eventually.TrueAsync(async () => await QueueLengthAsync(redis) < Count, s_timeout, "the worker took nothing from square_raw");

        redis.Stop(kill);
        await worker.WaitForErrorAsync(e => e.Contains("Store unavailable", StringComparison.Ordinal), s_timeout, "the worker did not log the outage");
        Assert.False(worker.HasExited, "the worker stopped during the outage:\n" + worker.StandardError);
        await redis.StartAgainAsync();
        await PushRawAsync(redis, Count);

        // Every batch whose reply reached the worker was stored and run. A stop, clean or not, can only lose the reply
        // of the one dequeue in flight (Redis ran it, then closed the connection before the reply went out): at most
        // one batch, greenlets items, the window docs/queues.md gives raw queues.
        await Eventually.TrueAsync(
            async () => await QueueLengthAsync(redis) == 0 && (await JobsInDatabase.ReadAllAsync(dir.File("mrq.db"))).Count(job => job.Status == JobStatus.Success) >= 2 * Count - Greenlets,
            s_timeout,
            "the worker did not run the jobs pushed once Redis was back");
        worker.Signal("INT");
        Assert.True(await worker.WaitForExitAsync(s_timeout) == 0, worker.StandardError);
        var stderr = worker.StandardError;
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        // One line when an outage begins and one when it ends. Under a loaded machine a call may also time out after
        // the restart (connect_timeout), which is a second, shorter outage with its own pair of lines.
        var began = OutageBegan().Matches(stderr).Count;
        Assert.True(began >= 1 && began == OutageEnded().Matches(stderr).Count, stderr);
        var jobs = await JobsInDatabase.ReadAllAsync(dir.File("mrq.db"));
        Assert.All(jobs, job => Assert.Equal(JobStatus.Success, job.Status));
        Assert.True(jobs.Count is >= 2 * Count - Greenlets and <= 2 * Count, $"{jobs.Count} jobs stored of {2 * Count}:\n{stderr}");
    }

    [Fact]
    public async Task Enqueue_while_redis_is_down_throws_MrqStoreUnavailableException_and_works_again_once_it_is_back()
    {
        using var redis = await RestartableRedis.StartAsync();
        using var dir = new TempDirectory();
        await using var client = (StoreClient)MrqClient.Create(new MrqSettings { Redis = redis.Uri, ConnectTimeout = 1, EmbeddedDb = dir.File("mrq.db") });
        await client.EnqueueRawAsync("faults_raw", ["1"]);

        redis.Stop(kill: false);
        var error = await Assert.ThrowsAsync<MrqStoreUnavailableException>(() => client.EnqueueRawAsync("faults_raw", ["2"]).AsTask());
        Assert.Equal(redis.Uri, error.Store);
        Assert.Contains(redis.Uri, error.Message, StringComparison.Ordinal);

        await redis.StartAgainAsync();
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await client.EnqueueRawAsync("faults_raw", ["3"]);
                    return true;
                }
                catch (MrqStoreUnavailableException)
                {
                    return false;
                }
            },
            s_timeout,
            "the client did not reconnect");
        Assert.Equal(2, await client.Broker.SizeAsync("faults_raw"));
    }

    [Fact]
    public async Task A_client_given_an_unreachable_redis_throws_MrqStoreUnavailableException()
    {
        using var dir = new TempDirectory();
        var uri = $"redis://127.0.0.1:{RestartableRedis.FreeLoopbackPort()}";
        await using var client = (StoreClient)MrqClient.Create(new MrqSettings { Redis = uri, ConnectTimeout = 1, EmbeddedDb = dir.File("mrq.db") });

        var error = await Assert.ThrowsAsync<MrqStoreUnavailableException>(() => client.EnqueueRawAsync("faults_raw", ["1"]).AsTask());
        Assert.Equal(uri, error.Store);
        Assert.DoesNotContain('\n', error.Message);
    }

    public static TheoryData<string, string[]> StoreFaults()
    {
        var data = new TheoryData<string, string[]>();
        foreach (var fault in new[] { "not-a-database", "read-only-file", "read-only-folder" })
        {
            data.Add(fault, ["enqueue", "square", "10"]);
            data.Add(fault, ["worker", "square"]);
            data.Add(fault, ["worker", "square", "--processes", "2"]);
            data.Add(fault, ["run", "tasks.Square", "{\"n\": 3}", "--queue", "square"]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StoreFaults))]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task An_unusable_store_file_ends_each_command_with_one_line_naming_it(string fault, string[] command)
    {
        using var dir = SampleDirectory();
        var folder = Path.Combine(dir.Path, "store");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "mrq.db");
        var asNobody = false;
        switch (fault)
        {
            case "not-a-database":
                await File.WriteAllTextAsync(file, "This file is a shopping list, not a SQLite database: milk, eggs, bread, butter.\n");
                break;
            case "read-only-file":
                await CreateStoreAsync(file);
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
                asNobody = IsRoot;
                break;
            case "read-only-folder":
                await CreateStoreAsync(file);
                File.SetUnixFileMode(file, (UnixFileMode)0b110_110_110);
                File.SetUnixFileMode(folder, (UnixFileMode)0b101_101_101);
                asNobody = IsRoot;
                break;
        }

        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_111_111);
        string[] arguments = [.. command, "--embedded_db", file];
        using var process = asNobody
            ? ChildProcess.Start("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", SamplePaths.QueuePerformanceDll, .. arguments], dir.Path)
            : ChildProcess.StartSample(dir.Path, arguments);
        var exit = await process.WaitForExitAsync(s_timeout);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);

        AssertOneLineError(process, exit, $"The embedded store {file} is unusable");
    }

    [FullDiskFact]
    public async Task A_full_disk_ends_enqueue_with_one_line_naming_the_file()
    {
        using var dir = SampleDirectory();
        var mount = Path.Combine(dir.Path, "tiny");
        Directory.CreateDirectory(mount);
        Assert.Equal(0, await RunToolAsync("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount));
        try
        {
            var file = Path.Combine(mount, "mrq.db");
            using var process = ChildProcess.StartSample(dir.Path, "enqueue", "square", "20000", "--embedded_db", file);
            var exit = await process.WaitForExitAsync(s_timeout);

            AssertOneLineError(process, exit, $"The embedded store {file} is unusable: the disk is full");
        }
        finally
        {
            await RunToolAsync("umount", mount);
        }
    }

    [FullDiskFact]
    public async Task A_raw_queue_worker_rides_out_a_full_disk_and_loses_no_popped_batch()
    {
        const int Count = 2000;
        using var redis = await RestartableRedis.StartAsync();
        using var dir = SampleDirectory();
        var mount = Path.Combine(dir.Path, "disk");
        Directory.CreateDirectory(mount);
        Assert.Equal(0, await RunToolAsync("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount));
        try
        {
            var file = Path.Combine(mount, "mrq.db");
            string[] flags = ["--redis", redis.Uri, "--embedded_db", file];
            using (var enqueue = ChildProcess.StartSample(dir.Path, ["enqueue", "square_raw", Count.ToString(CultureInfo.InvariantCulture), .. flags]))
            {
                Assert.True(await enqueue.WaitForExitAsync(s_timeout) == 0, enqueue.StandardError);
            }

            // Not in burst mode: a fast worker may drain the first half before the disk is full, and must then still be
            // there to pop the second half onto the full disk.
            using var worker = ChildProcess.StartSample(dir.Path, ["worker", "square_raw", "--greenlets", "5", "--dequeue_strategy", "sequential", "--max_latency", "0.05", .. flags]);
            await Eventually.TrueAsync(async () => await QueueLengthAsync(redis) < Count, s_timeout, "the worker took nothing from square_raw");

            // Fill the disk, then queue more: every store write fails (SQLITE_FULL) while batches keep being popped.
            var filler = Path.Combine(mount, "filler");
            await FillAsync(filler);
            await PushRawAsync(redis, Count);
            await worker.WaitForErrorAsync(e => e.Contains("the disk is full", StringComparison.Ordinal), s_timeout, "the worker did not log the full disk");
            Assert.False(worker.HasExited, "the worker stopped on a full disk:\n" + worker.StandardError);
            File.Delete(filler);

            await Eventually.TrueAsync(
                async () => await QueueLengthAsync(redis) == 0 && (await JobsInDatabase.ReadAllAsync(file)).Count(job => job.Status == JobStatus.Success) == 2 * Count,
                s_timeout,
                "the worker did not store every job as a success once the disk had room");
            worker.Signal("INT");
            Assert.True(await worker.WaitForExitAsync(s_timeout) == 0, worker.StandardError);
            var stderr = worker.StandardError;
            Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
            Assert.NotEmpty(OutageBegan().Matches(stderr));
            Assert.Equal(OutageBegan().Matches(stderr).Count, OutageEnded().Matches(stderr).Count);
            var jobs = await JobsInDatabase.ReadAllAsync(file);
            Assert.Equal(2 * Count, jobs.Count);
            Assert.All(jobs, job => Assert.Equal(JobStatus.Success, job.Status));
        }
        finally
        {
            await RunToolAsync("umount", mount);
        }
    }

    private static async Task PushRawAsync(RestartableRedis redis, int count)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},abortConnect=false");
        var items = Enumerable.Range(0, count).Select(static i => (RedisValue)i.ToString(CultureInfo.InvariantCulture)).ToArray();
        await connection.GetDatabase().ListRightPushAsync("mrq:q:square_raw", items);
    }

    private static async Task FillAsync(string path)
    {
        var chunk = new byte[64 * 1024];
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                await stream.WriteAsync(chunk);
            }
        }
        catch (IOException)
        {
            // No space left on the device: full.
        }
    }

    /// <summary>Exit code 1, one "mrq: error:" line containing <paramref name="expected"/>, and no stack dump.</summary>
    private static void AssertOneLineError(ChildProcess process, int exit, string expected)
    {
        var stderr = process.StandardError;
        Assert.True(exit == 1, $"exit code {exit}, stderr:\n{stderr}");
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("mrq: error: ", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static TempDirectory SampleDirectory()
    {
        var dir = new TempDirectory();
        File.Copy(Path.Combine(SamplePaths.QueuePerformanceDirectory, "mrq-config.json"), dir.File("mrq-config.json"));
        return dir;
    }

    private static async Task CreateStoreAsync(string file)
    {
        await using var store = global::Mrq.Storage.Sqlite.SqliteJobStore.Open(file);
    }

    private static async Task<long> QueueLengthAsync(RestartableRedis redis)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},abortConnect=false");
        return await connection.GetDatabase().ListLengthAsync("mrq:q:square_raw");
    }

    private static async Task<int> RunToolAsync(string tool, params string[] arguments)
    {
        using var process = ChildProcess.Start(tool, arguments, Path.GetTempPath());
        return await process.WaitForExitAsync(TimeSpan.FromMinutes(1));
    }

    internal static bool IsRoot => Environment.UserName == "root";

    [GeneratedRegex(@"\[ERROR\] Store unavailable: ")]
    private static partial Regex OutageBegan();

    [GeneratedRegex(@"\[WARNING\] Store available again after ")]
    private static partial Regex OutageEnded();
}

/// <summary>A test that mounts a tiny tmpfs to fill a disk: run where mounting is allowed (root), else skipped.</summary>
public sealed class FullDiskFactAttribute : FactAttribute
{
    public FullDiskFactAttribute()
    {
        if (!FaultTests.IsRoot)
        {
            Skip = "simulating a full disk mounts a 256 KiB tmpfs, which needs root";
        }
    }
}
