using Microsoft.Data.Sqlite;
using Mrq.Storage;
using Mrq.Storage.SqliteBroker;

namespace Mrq.Tests.Broker;

/// <summary>The broker contract against a real SQLite file; each test has its own file.</summary>
public sealed class SqliteQueueBrokerTests : QueueBrokerConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mrq-broker-" + Guid.NewGuid().ToString("N"));

    public SqliteQueueBrokerTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "mrq.db");

    protected override Task<IQueueBroker> CreateBrokerAsync(bool independent)
        => Task.FromResult<IQueueBroker>(new SqliteQueueBroker(DatabasePath));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Keeps_items_across_reopening_and_uses_wal()
    {
        await Broker.EnqueueAsync("test_raw", new RawItem[] { new RawItem("a"), new RawItem("b") });
        await using (var reopened = new SqliteQueueBroker(DatabasePath))
        {
            Assert.Equal(2, await reopened.SizeAsync("test_raw"));
        }

        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Shares_a_file_with_other_tables()
    {
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE IF NOT EXISTS someone_elses(id INTEGER PRIMARY KEY); INSERT INTO someone_elses(id) VALUES (1);";
            await command.ExecuteNonQueryAsync();
        }

        await Broker.EnqueueAsync("test_set", new RawItem[] { new RawItem("a") });
        await Broker.EmptyAsync("test_set");
        Assert.Equal(0, await Broker.SizeAsync("test_set"));
    }

    [Fact]
    public async Task A_dequeue_waits_for_another_connection_holding_the_write_lock_and_reads_after_it()
    {
        await Broker.EnqueueAsync("locked_raw", new RawItem[] { new RawItem("a"), new RawItem("b") });
        await using var blocker = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await blocker.OpenAsync();
        await using (var hold = blocker.CreateCommand())
        {
            hold.CommandText = "BEGIN IMMEDIATE; DELETE FROM raw_items WHERE value = 'a';";
            await hold.ExecuteNonQueryAsync();
        }

        var taken = new List<string>();
        var dequeue = Task.Run(async () => await Broker.DequeueAsync("locked_raw", 10, DateTime.UtcNow, 0, taken));
        await Task.Delay(300);
        await using (var commit = blocker.CreateCommand())
        {
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync();
        }

        // BEGIN IMMEDIATE takes the lock before the read: the dequeue sees the other connection's commit.
        Assert.Equal(1, await dequeue);
        Assert.Equal(["b"], taken);
    }

    [Fact]
    public async Task Rate_limit_counters_of_expired_windows_are_dropped_by_the_next_count()
    {
        var second = TimeSpan.FromSeconds(1);
        for (var i = 0; i < 5; i++)
        {
            await Broker.CountCallsAsync("key" + i, 1, second, Now);
        }

        // Ten seconds of grace after the window: a count at Now + 11 s finds all five expired and leaves its own row.
        Assert.Equal(1, await Broker.CountCallsAsync("key0", 1, second, Now.AddSeconds(11)));
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM rate_limits;";
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }
}
