using Mrq.Redis;
using Mrq.Storage;
using StackExchange.Redis;

namespace Mrq.Tests.Broker;

/// <summary>The broker contract against a real redis-server; each test uses its own key prefix.</summary>
[Collection(RedisServerCollection.Name)]
public sealed class RedisQueueBrokerTests(RedisServerFixture server) : QueueBrokerConformanceTests
{
    private readonly string _prefix = "mrqtest-" + Guid.NewGuid().ToString("N");

    protected override async Task<IQueueBroker> CreateBrokerAsync(bool independent)
    {
        if (!independent)
        {
            return new RedisQueueBroker(server.Connection, _prefix);
        }

        var connection = await server.ConnectAsync();
        return new RedisQueueBroker(connection, _prefix, ownsConnection: true);
    }

    [Fact]
    public async Task Uses_mrq_key_layout()
    {
        await Broker.EnqueueAsync("test_raw/sub", new RawItem[] { new RawItem("a") });
        await Broker.EnqueueAsync("test_set", new RawItem[] { new RawItem("b") });
        await Broker.EnqueueAsync("test_timed_set", new RawItem[] { new RawItem("c", 42) });

        var db = server.Connection.GetDatabase();
        Assert.Equal(RedisType.List, await db.KeyTypeAsync($"{_prefix}:q:test_raw/sub"));
        Assert.Equal(["test_raw/sub"], (await db.SetMembersAsync($"{_prefix}:ksq:test_raw")).Select(static v => v.ToString()));
        Assert.Equal(RedisType.Set, await db.KeyTypeAsync($"{_prefix}:q:test_set"));
        Assert.Equal(42, await db.SortedSetScoreAsync($"{_prefix}:q:test_timed_set", "c"));
    }

    [Fact]
    public async Task Reads_queues_written_by_mrq_itself()
    {
        // What MRQ's Python enqueue leaves behind: RPUSH onto the list, SADD of the subqueue.
        var db = server.Connection.GetDatabase();
        await db.ListRightPushAsync($"{_prefix}:q:test_raw/sub", ["1 2", "3 4"]);
        await db.SetAddAsync($"{_prefix}:ksq:test_raw", "test_raw/sub");

        Assert.Equal(2, await Broker.SizeAsync("test_raw/"));
        var into = new List<string>();
        Assert.Equal(2, await Broker.DequeueAsync("test_raw/", 5, DateTime.UtcNow, 0, into));
        Assert.Equal(["1 2", "3 4"], into);
    }

    [Theory]
    [InlineData("test_raw")]
    [InlineData("test_set")]
    [InlineData("test_sorted_set")]
    public async Task Takes_params_of_any_content_unchanged(string queue)
    {
        // The dequeue scripts reply with "<length>:<bytes>" items in one string: colons, digits, multi-byte characters,
        // empty and long params must come back exactly.
        string[] raw = ["", ":", "12:ab", "héllo wörld ✓", "{\"a\": [1, 2]}", "line\nbreak", new string('x', 70_000)];
        await Broker.EnqueueAsync(queue, raw.Select(static (r, i) => new RawItem(r, i)).ToArray());

        var into = new List<string>();
        Assert.Equal(raw.Length, await Broker.DequeueAsync(queue, 100, DateTime.UtcNow, 0, into));
        Assert.Equal(raw.Order(StringComparer.Ordinal), into.Order(StringComparer.Ordinal));
        Assert.Equal(0, await Broker.DequeueAsync(queue, 100, DateTime.UtcNow, 0, into));
    }

    [Fact]
    public async Task Connects_from_an_mrq_uri()
    {
        await using var broker = await RedisQueueBroker.ConnectAsync($"redis://127.0.0.1:{server.Port}/0", _prefix);
        await broker.EnqueueAsync("uri_raw", new RawItem[] { new RawItem("x") });
        Assert.Equal(1, await Broker.SizeAsync("uri_raw"));
    }
}
