// Over 400 lines on purpose: one contract's conformance suite is read as one list of rules by an adapter's author,
// and each test is short and independent; splitting it by method would scatter the rules of one contract.
using Mrq.Storage;

namespace Mrq.Testing;

/// <summary>
/// The raw-queue broker contract (MRQ's raw queues, reference §2.3 and §2.6), run against every adapter. Each test gets
/// a fresh namespace (a key prefix or a file) from the derived class. Times are explicit <c>now</c> values: nothing
/// sleeps and nothing asserts a duration.
/// </summary>
public abstract partial class QueueBrokerConformanceTests : IAsyncLifetime
{
    /// <summary>A fixed "now" on a whole second, so due times compare exactly.</summary>
    protected static readonly DateTime Now = new(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private static readonly string[] Four = ["aaa", "bbb", "ccc", "bbb"];

    private readonly List<IQueueBroker> _brokers = [];
    private IQueueBroker? _broker;

    /// <summary>The broker of the test (created in <see cref="InitializeAsync"/>).</summary>
    protected IQueueBroker Broker => _broker ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>
    /// A broker over this test's namespace; with <paramref name="independent"/> it has its own connection (a separate
    /// client, as another worker process would have).
    /// </summary>
    protected abstract Task<IQueueBroker> CreateBrokerAsync(bool independent);

    public async Task InitializeAsync() => _broker = await NewBrokerAsync(independent: false);

    public virtual async Task DisposeAsync()
    {
        foreach (var broker in _brokers)
        {
            await broker.DisposeAsync();
        }
    }

    private async Task<IQueueBroker> NewBrokerAsync(bool independent)
    {
        var broker = await CreateBrokerAsync(independent);
        _brokers.Add(broker);
        return broker;
    }

    private static RawItem[] Items(params string[] values)
    {
        var items = new RawItem[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            items[i] = new RawItem(values[i]);
        }

        return items;
    }

    private async Task<List<string>> Take(string queue, int max, DateTime? now = null, double pushback = 0)
    {
        var into = new List<string>();
        var taken = await Broker.DequeueAsync(queue, max, now ?? Now, pushback, into);
        Assert.Equal(into.Count, taken);
        return into;
    }

    private static string[] Sorted(IEnumerable<string> values)
    {
        string[] array = [.. values];
        Array.Sort(array, StringComparer.Ordinal);
        return array;
    }

    [Fact]
    public async Task List_keeps_duplicates_in_fifo_order()
    {
        await Broker.EnqueueAsync("test_raw", Items(Four));

        Assert.Equal(4, await Broker.SizeAsync("test_raw"));
        Assert.Equal(Four, await Take("test_raw", 10));
        Assert.Equal(0, await Broker.SizeAsync("test_raw"));
        Assert.Empty(await Take("test_raw", 10));
    }

    [Fact]
    public async Task List_appends_later_batches_at_the_tail()
    {
        await Broker.EnqueueAsync("test_raw", Items("1", "2"));
        await Broker.EnqueueAsync("test_raw", Items("3"));

        Assert.Equal(["1"], await Take("test_raw", 1));
        await Broker.EnqueueAsync("test_raw", Items("4"));
        Assert.Equal(["2", "3", "4"], await Take("test_raw", 10));
    }

    [Fact]
    public async Task Pushed_back_list_items_go_back_to_the_head_in_their_order()
    {
        await Broker.EnqueueAsync("test_raw", Items("1", "2", "3", "4"));
        var taken = await Take("test_raw", 2);
        await Broker.EnqueueAsync("test_raw", Items("5"));

        await Broker.PushBackAsync("test_raw", Items([.. taken]));

        Assert.Equal(["1", "2", "3", "4", "5"], await Take("test_raw", 10));
    }

    [Fact]
    public async Task Items_pushed_back_onto_a_subqueue_or_a_set_are_found_as_enqueued_ones_are()
    {
        await Broker.PushBackAsync("test_raw/eu", Items("a", "b"));
        await Broker.EnqueueAsync("test_sorted_set", new RawItem[] { new("aaa", 1), new("bbb", 2) });
        Assert.Equal(["aaa"], await Take("test_sorted_set", 1));

        await Broker.PushBackAsync("test_sorted_set", new RawItem[] { new("aaa", 1) });
        await Broker.PushBackAsync("test_set", Items("x", "x"));
        await Broker.PushBackAsync("test_raw", ReadOnlyMemory<RawItem>.Empty);

        Assert.Equal(["a", "b"], await Take("test_raw/", 10));
        Assert.Equal(["aaa", "bbb"], await Take("test_sorted_set", 10));
        Assert.Equal(["x"], await Take("test_set", 10));
    }

    [Fact]
    public async Task Set_drops_duplicates()
    {
        await Broker.EnqueueAsync("test_set", Items(Four));
        await Broker.EnqueueAsync("test_set", Items("aaa"));

        Assert.Equal(3, await Broker.SizeAsync("test_set"));
        Assert.Equal(["aaa", "bbb", "ccc"], Sorted(await Take("test_set", 10)));
        Assert.Equal(0, await Broker.SizeAsync("test_set"));
    }

    [Fact]
    public async Task Sorted_set_pops_lowest_scores_first()
    {
        await Broker.EnqueueAsync("test_sorted_set", new RawItem[] { new("ccc", 3), new("aaa", 1), new("zzz", -1), new("bbb", 2) });

        Assert.Equal(4, await Broker.SizeAsync("test_sorted_set"));
        Assert.Equal(["zzz", "aaa"], await Take("test_sorted_set", 2));
        Assert.Equal(["bbb", "ccc"], await Take("test_sorted_set", 10));
    }

    [Fact]
    public async Task Sorted_set_re_adding_updates_the_score()
    {
        await Broker.EnqueueAsync("test_sorted_set", new RawItem[] { new("aaa", 1), new("bbb", 2), new("ccc", 3) });
        await Broker.EnqueueAsync("test_sorted_set", new RawItem[] { new("aaa", 10), new("ccc", 0) });

        Assert.Equal(3, await Broker.SizeAsync("test_sorted_set"));
        var listed = await Broker.ListAsync("test_sorted_set", 0, 10);
        Assert.Equal([new RawItem("ccc", 0), new RawItem("bbb", 2), new RawItem("aaa", 10)], listed);
        Assert.Equal(["ccc", "bbb", "aaa"], await Take("test_sorted_set", 10));
    }

    [Fact]
    public async Task Timed_set_returns_only_due_members_then_the_rest_once_due()
    {
        var now = Unix(Now);
        await Broker.EnqueueAsync("test_timed_set", new RawItem[]
        {
            new("later", now + 5),
            new("first", now - 10),
            new("much_later", now + 20),
            new("second", now - 5),
            new("exactly_now", now),
        });

        Assert.Equal(5, await Broker.SizeAsync("test_timed_set"));
        Assert.Equal(3, await Broker.DueSizeAsync("test_timed_set", Now));
        Assert.Equal(["first", "second", "exactly_now"], await Take("test_timed_set", 10, Now));
        Assert.Equal(2, await Broker.SizeAsync("test_timed_set"));
        Assert.Equal(0, await Broker.DueSizeAsync("test_timed_set", Now));
        Assert.Empty(await Take("test_timed_set", 10, Now));

        Assert.Equal(["later"], await Take("test_timed_set", 10, Now.AddSeconds(5)));
        Assert.Equal(1, await Broker.DueSizeAsync("test_timed_set", Now.AddSeconds(30)));
        Assert.Equal(["much_later"], await Take("test_timed_set", 10, Now.AddSeconds(30)));
        Assert.Equal(0, await Broker.SizeAsync("test_timed_set"));
    }

    [Fact]
    public async Task Timed_set_with_pushback_keeps_members_and_makes_them_due_again()
    {
        var now = Unix(Now);
        await Broker.EnqueueAsync("test_timed_set", new RawItem[] { new("aaa", now - 10), new("bbb", now - 5), new("ccc", now + 100) });

        Assert.Equal(["aaa", "bbb"], await Take("test_timed_set", 10, Now, pushback: 60));
        Assert.Equal(3, await Broker.SizeAsync("test_timed_set"));
        Assert.Equal(0, await Broker.DueSizeAsync("test_timed_set", Now));
        Assert.Empty(await Take("test_timed_set", 10, Now, pushback: 60));
        Assert.Equal(0, await Broker.DueSizeAsync("test_timed_set", Now.AddSeconds(59)));

        var listed = await Broker.ListAsync("test_timed_set", 0, 10);
        Assert.Equal([new RawItem("aaa", now + 60), new RawItem("bbb", now + 60), new RawItem("ccc", now + 100)], listed);

        Assert.Equal(2, await Broker.DueSizeAsync("test_timed_set", Now.AddSeconds(60)));
        Assert.Equal(["aaa", "bbb"], Sorted(await Take("test_timed_set", 10, Now.AddSeconds(60), pushback: 60)));
        Assert.Equal(3, await Broker.SizeAsync("test_timed_set"));

        // The task acknowledges its own member.
        Assert.Equal(1, await Broker.RemoveAsync("test_timed_set", ["aaa"]));
        Assert.Equal(2, await Broker.SizeAsync("test_timed_set"));
        // bbb was pushed back to now + 120, after ccc (now + 100).
        Assert.Equal(["ccc", "bbb"], await Take("test_timed_set", 10, Now.AddSeconds(1000)));
    }

    [Fact]
    public async Task Pushback_is_ignored_by_non_timed_queues()
    {
        await Broker.EnqueueAsync("test_sorted_set", new RawItem[] { new("aaa", 1) });
        Assert.Equal(["aaa"], await Take("test_sorted_set", 10, Now, pushback: 60));
        Assert.Equal(0, await Broker.SizeAsync("test_sorted_set"));
    }

    [Theory]
    [InlineData("test_raw")]
    [InlineData("test_set")]
    [InlineData("test_sorted_set")]
    [InlineData("test_timed_set")]
    public async Task Batch_size_is_a_maximum_and_the_rest_stays(string queue)
    {
        var items = new RawItem[5];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new RawItem($"item{i}", i);
        }

        await Broker.EnqueueAsync(queue, items);

        var first = await Take(queue, 2);
        Assert.Equal(2, first.Count);
        Assert.Equal(3, await Broker.SizeAsync(queue));
        var second = await Take(queue, 2);
        Assert.Equal(2, second.Count);
        var third = await Take(queue, 2);
        Assert.Single(third);
        Assert.Empty(await Take(queue, 2));
        Assert.Equal(["item0", "item1", "item2", "item3", "item4"], Sorted([.. first, .. second, .. third]));
        if (queue != "test_set")
        {
            Assert.Equal(["item0", "item1"], first);
        }

        await Broker.EnqueueAsync(queue, items.AsMemory(0, 1));
        Assert.Empty(await Take(queue, 0));
        Assert.Equal(1, await Broker.SizeAsync(queue));
    }

    [Fact]
    public async Task Subqueues_are_recorded_and_summed_under_the_listen_form()
    {
        await Broker.EnqueueAsync("test_raw/sub1", Items("a1", "a2"));
        await Broker.EnqueueAsync("test_raw/sub2", Items("b1"));
        await Broker.EnqueueAsync("test_raw/sub1", Items("a3"));

        Assert.Equal(["test_raw/sub1", "test_raw/sub2"], await Broker.KnownSubqueuesAsync("test_raw"));
        Assert.Equal(["test_raw/sub1", "test_raw/sub2"], await Broker.KnownSubqueuesAsync("test_raw/"));
        Assert.Equal(3, await Broker.SizeAsync("test_raw/sub1"));
        Assert.Equal(1, await Broker.SizeAsync("test_raw/sub2"));
        Assert.Equal(0, await Broker.SizeAsync("test_raw"));
        Assert.Equal(4, await Broker.SizeAsync("test_raw/"));
        Assert.Equal(4, await Broker.DueSizeAsync("test_raw/", Now));

        Assert.Equal(["a1", "a2", "a3"], await Take("test_raw/sub1", 10));
        Assert.Equal(1, await Broker.SizeAsync("test_raw/"));
    }

    [Fact]
    public async Task Listen_form_dequeues_the_root_then_known_subqueues()
    {
        await Broker.EnqueueAsync("test_raw/b", Items("b1", "b2"));
        await Broker.EnqueueAsync("test_raw/a", Items("a1"));
        await Broker.EnqueueAsync("test_raw", Items("r1"));

        Assert.Equal(4, await Broker.SizeAsync("test_raw/"));
        Assert.Equal(["r1", "a1"], await Take("test_raw/", 2));
        Assert.Equal(["b1", "b2"], await Take("test_raw/", 10));
        Assert.Equal(0, await Broker.SizeAsync("test_raw/"));
        Assert.Empty(await Take("test_raw/", 10));

        // Subqueues found empty are forgotten (MRQ removes them from the known set on an empty dequeue).
        Assert.Empty(await Broker.KnownSubqueuesAsync("test_raw"));
    }

    [Fact]
    public async Task Set_subqueues_drop_duplicates()
    {
        await Broker.EnqueueAsync("test_set/subqueue", Items(Four));

        Assert.Equal(3, await Broker.SizeAsync("test_set/"));
        Assert.Equal(["aaa", "bbb", "ccc"], Sorted(await Take("test_set/", 10)));
    }

    [Fact]
    public async Task Timed_subqueues_dequeue_only_due_members_under_the_listen_form()
    {
        var now = Unix(Now);
        await Broker.EnqueueAsync("a_timed_set/x", new RawItem[] { new("due", now - 1), new("later", now + 10) });
        await Broker.EnqueueAsync("a_timed_set/y", new RawItem[] { new("due2", now) });

        Assert.Equal(3, await Broker.SizeAsync("a_timed_set/"));
        Assert.Equal(2, await Broker.DueSizeAsync("a_timed_set/", Now));
        Assert.Equal(["due", "due2"], await Take("a_timed_set/", 10, Now));
        Assert.Equal(["later"], await Take("a_timed_set/", 10, Now.AddSeconds(10)));
    }

    [Fact]
    public async Task An_empty_dequeue_forgets_an_empty_subqueue_but_not_a_waiting_one()
    {
        var now = Unix(Now);
        await Broker.EnqueueAsync("test_raw/gone", Items("x"));
        await Broker.EnqueueAsync("test_timed_set/waiting", new RawItem[] { new("future", now + 100) });
        Assert.Equal(["x"], await Take("test_raw/gone", 10));
        Assert.Equal(["test_raw/gone"], await Broker.KnownSubqueuesAsync("test_raw"));

        Assert.Empty(await Take("test_raw/gone", 10));
        Assert.Empty(await Broker.KnownSubqueuesAsync("test_raw"));

        Assert.Empty(await Take("test_timed_set/waiting", 10, Now));
        Assert.Equal(["test_timed_set/waiting"], await Broker.KnownSubqueuesAsync("test_timed_set"));

        // Enqueueing again records it again.
        await Broker.EnqueueAsync("test_raw/gone", Items("y"));
        Assert.Equal(["test_raw/gone"], await Broker.KnownSubqueuesAsync("test_raw"));
    }

    [Fact]
    public async Task Remove_takes_specific_items()
    {
        await Broker.EnqueueAsync("test_raw", Items("aaa", "bbb", "aaa", "ccc"));
        Assert.Equal(2, await Broker.RemoveAsync("test_raw", ["aaa", "ccc", "missing"]));
        Assert.Equal(["bbb", "aaa"], await Take("test_raw", 10));

        await Broker.EnqueueAsync("test_set", Items("aaa", "bbb", "ccc"));
        Assert.Equal(2, await Broker.RemoveAsync("test_set", ["aaa", "bbb", "missing"]));
        Assert.Equal(["ccc"], await Take("test_set", 10));

        await Broker.EnqueueAsync("test_sorted_set", new RawItem[] { new("aaa", 1), new("bbb", 2) });
        Assert.Equal(1, await Broker.RemoveAsync("test_sorted_set", ["bbb"]));
        Assert.Equal(0, await Broker.RemoveAsync("test_sorted_set", []));
        Assert.Equal(["aaa"], await Take("test_sorted_set", 10));
    }

    [Fact]
    public async Task List_pages_lists_and_sorted_sets_in_order()
    {
        await Broker.EnqueueAsync("test_raw", Items("a", "b", "c", "d", "e"));
        Assert.Equal(Items("a", "b"), await Broker.ListAsync("test_raw", 0, 2));
        Assert.Equal(Items("c", "d"), await Broker.ListAsync("test_raw", 2, 2));
        Assert.Equal(Items("e"), await Broker.ListAsync("test_raw", 4, 20));
        Assert.Empty(await Broker.ListAsync("test_raw", 5, 20));
        Assert.Equal(5, await Broker.SizeAsync("test_raw"));

        await Broker.EnqueueAsync("test_sorted_set", new RawItem[] { new("c", 3), new("a", 1.5), new("b", 2) });
        Assert.Equal([new RawItem("b", 2), new RawItem("c", 3)], await Broker.ListAsync("test_sorted_set", 1, 5));

        await Broker.EnqueueAsync("test_set", Items("x", "y", "z"));
        var some = await Broker.ListAsync("test_set", 0, 2);
        Assert.Equal(2, some.Count);
        Assert.All(some, item => Assert.Contains(item.Value, new[] { "x", "y", "z" }));
        Assert.Equal(["x", "y", "z"], Sorted((await Broker.ListAsync("test_set", 0, 10)).Select(static i => i.Value)));
        Assert.Equal(3, await Broker.SizeAsync("test_set"));
    }

    [Fact]
    public async Task Due_size_of_other_types_is_their_size()
    {
        await Broker.EnqueueAsync("test_raw", Items("a", "b"));
        await Broker.EnqueueAsync("test_sorted_set", new RawItem[] { new("a", 1e12) });
        Assert.Equal(2, await Broker.DueSizeAsync("test_raw", Now));
        Assert.Equal(1, await Broker.DueSizeAsync("test_sorted_set", Now));
    }

    [Fact]
    public async Task Empty_deletes_a_queue()
    {
        await Broker.EnqueueAsync("test_raw", Items("a", "b"));
        await Broker.EnqueueAsync("other_raw", Items("keep"));
        await Broker.EmptyAsync("test_raw");

        Assert.Equal(0, await Broker.SizeAsync("test_raw"));
        Assert.Empty(await Take("test_raw", 10));
        Assert.Equal(1, await Broker.SizeAsync("other_raw"));
    }

    [Fact]
    public async Task Empty_of_a_subqueue_forgets_only_that_subqueue()
    {
        await Broker.EnqueueAsync("test_set/one", Items("a"));
        await Broker.EnqueueAsync("test_set/two", Items("b"));
        await Broker.EmptyAsync("test_set/one");

        Assert.Equal(["test_set/two"], await Broker.KnownSubqueuesAsync("test_set"));
        Assert.Equal(0, await Broker.SizeAsync("test_set/one"));
        Assert.Equal(1, await Broker.SizeAsync("test_set/"));
    }

    [Theory]
    [InlineData("test_sorted_set")]
    [InlineData("test_sorted_set/")]
    public async Task Empty_of_a_root_deletes_its_subqueues_and_their_record(string queue)
    {
        await Broker.EnqueueAsync("test_sorted_set", new RawItem[] { new("r", 1) });
        await Broker.EnqueueAsync("test_sorted_set/one", new RawItem[] { new("a", 1) });
        await Broker.EnqueueAsync("test_sorted_set/two", new RawItem[] { new("b", 1) });
        await Broker.EmptyAsync(queue);

        Assert.Empty(await Broker.KnownSubqueuesAsync("test_sorted_set"));
        Assert.Equal(0, await Broker.SizeAsync("test_sorted_set"));
        Assert.Equal(0, await Broker.SizeAsync("test_sorted_set/one"));
        Assert.Equal(0, await Broker.SizeAsync("test_sorted_set/"));
    }

    [Fact]
    public async Task Regular_queue_names_and_misuse_of_the_listen_form_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Broker.EnqueueAsync("default", Items("a")));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Broker.SizeAsync("x_raw_reverse"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Broker.EnqueueAsync("test_raw/", Items("a")));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Broker.ListAsync("test_raw/", 0, 10));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Broker.RemoveAsync("test_raw/", ["a"]));
    }

    [Fact]
    public async Task Enqueue_of_nothing_records_nothing()
    {
        await Broker.EnqueueAsync("test_raw/sub", ReadOnlyMemory<RawItem>.Empty);
        Assert.Empty(await Broker.KnownSubqueuesAsync("test_raw"));
        Assert.Equal(0, await Broker.SizeAsync("test_raw/sub"));
    }

    [Fact]
    public async Task Values_round_trip_as_utf8_strings()
    {
        string[] values = ["héllo wörld", "日本語", "emoji 🎉", "with\nnewline", "12 34", string.Empty];
        await Broker.EnqueueAsync("test_raw", Items(values));
        Assert.Equal(values, await Take("test_raw", 10));
    }

    [Theory]
    [InlineData("test_raw")]
    [InlineData("test_set")]
    [InlineData("test_sorted_set")]
    [InlineData("test_timed_set")]
    [InlineData("test_raw/")]
    public async Task Concurrent_dequeuers_never_get_the_same_item(string queue)
    {
        const int Count = 600;
        const int Clients = 4;
        const int TasksPerClient = 3;
        var items = new RawItem[Count];
        for (var i = 0; i < Count; i++)
        {
            items[i] = new RawItem($"job-{i:D4}", i % 17);
        }

        if (queue.EndsWith('/'))
        {
            // Spread over the root and two subqueues.
            await Broker.EnqueueAsync(queue[..^1], items.AsMemory(0, Count / 3));
            await Broker.EnqueueAsync(queue + "one", items.AsMemory(Count / 3, Count / 3));
            await Broker.EnqueueAsync(queue + "two", items.AsMemory(2 * Count / 3));
        }
        else
        {
            await Broker.EnqueueAsync(queue, items);
        }

        var brokers = new List<IQueueBroker>();
        for (var i = 0; i < Clients; i++)
        {
            brokers.Add(await NewBrokerAsync(independent: true));
        }

        var workers = new List<Task<List<string>>>();
        foreach (var broker in brokers)
        {
            for (var t = 0; t < TasksPerClient; t++)
            {
                var batch = 1 + ((workers.Count * 3) % 7);
                workers.Add(Task.Run(async () =>
                {
                    var mine = new List<string>();
                    while (await broker.DequeueAsync(queue, batch, Now, 0, mine) > 0)
                    {
                    }

                    return mine;
                }));
            }
        }

        var results = await Task.WhenAll(workers);
        var all = new List<string>(Count);
        foreach (var result in results)
        {
            all.AddRange(result);
        }

        Assert.Equal(Count, all.Count);
        Assert.Equal(Count, new HashSet<string>(all, StringComparer.Ordinal).Count);
        Assert.Equal(0, await Broker.SizeAsync(queue));
    }

    [Fact]
    public async Task Paused_queues_are_shared_and_a_listen_name_pauses_its_root()
    {
        var other = await NewBrokerAsync(independent: true);
        await Broker.PauseQueueAsync("high");
        await Broker.PauseQueueAsync("low/");
        await Broker.PauseQueueAsync("high");
        await Broker.PauseQueueAsync("test_raw/sub");

        Assert.Equal(["high", "low", "test_raw/sub"], await other.GetPausedQueuesAsync());

        await other.ResumeQueueAsync("low/");
        await other.ResumeQueueAsync("never_paused");
        Assert.Equal(["high", "test_raw/sub"], await Broker.GetPausedQueuesAsync());
        var paused = (await Broker.GetPausedQueuesAsync()).ToHashSet();
        Assert.True(PausedQueues.IsPaused(paused, "high/sub"));
        Assert.True(PausedQueues.IsPaused(paused, "high/"));
        Assert.False(PausedQueues.IsPaused(paused, "low"));
        Assert.False(PausedQueues.IsPaused(paused, "test_raw"));
    }

    private static double Unix(DateTime utc) => (utc - DateTime.UnixEpoch).TotalSeconds;
}
