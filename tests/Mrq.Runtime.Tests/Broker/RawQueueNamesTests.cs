using Mrq.Storage;

namespace Mrq.Tests.Broker;

public sealed class RawQueueNamesTests
{
    [Theory]
    [InlineData("test_raw", nameof(RawQueueType.List))]
    [InlineData("test_set", nameof(RawQueueType.Set))]
    [InlineData("test_sorted_set", nameof(RawQueueType.SortedSet))]
    [InlineData("test_timed_set", nameof(RawQueueType.TimedSet))]
    [InlineData("a_timed_set/sub", nameof(RawQueueType.TimedSet))]
    [InlineData("a_sorted_set/sub/nested", nameof(RawQueueType.SortedSet))]
    [InlineData("test_raw/", nameof(RawQueueType.List))]
    [InlineData("test_raw/sub_set", nameof(RawQueueType.List))]
    [InlineData("_raw", nameof(RawQueueType.List))]
    [InlineData("x_sorted_set_raw", nameof(RawQueueType.List))]
    [InlineData("x_raw_set", nameof(RawQueueType.Set))]
    public void Type_comes_from_the_root_suffix(string queue, string expectedName)
    {
        var expected = Enum.Parse<RawQueueType>(expectedName);
        Assert.True(RawQueueNames.TryGetType(queue, out var type));
        Assert.Equal(expected, type);
        Assert.True(RawQueueNames.IsRaw(queue));
        Assert.Equal(expected, RawQueueNames.GetRequiredType(queue));
    }

    [Theory]
    [InlineData("default")]
    [InlineData("x_raw_reverse")]
    [InlineData("high/test_raw")]
    [InlineData("raw")]
    [InlineData("test_RAW")]
    [InlineData("test_timed")]
    [InlineData("/test_raw")]
    [InlineData("")]
    public void Other_names_are_regular_queues(string queue)
    {
        Assert.False(RawQueueNames.TryGetType(queue, out _));
        Assert.False(RawQueueNames.IsRaw(queue));
        var error = Assert.Throws<ArgumentException>(() => RawQueueNames.GetRequiredType(queue));
        Assert.Contains("not a raw queue", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("test_raw", "test_raw", false, false)]
    [InlineData("test_raw/", "test_raw", false, true)]
    [InlineData("test_raw/sub", "test_raw", true, false)]
    [InlineData("test_raw/sub/", "test_raw", true, false)]
    [InlineData("test_raw/sub/nested", "test_raw", true, false)]
    [InlineData("/", "", false, false)]
    [InlineData("/x", "", true, false)]
    public void Root_subqueue_and_listen_form(string queue, string root, bool isSubqueue, bool isListenForm)
    {
        Assert.Equal(root, RawQueueNames.Root(queue));
        Assert.Equal(root, RawQueueNames.RootSpan(queue).ToString());
        Assert.Equal(isSubqueue, RawQueueNames.IsSubqueue(queue));
        Assert.Equal(isListenForm, RawQueueNames.IsListenForm(queue));
    }

    [Fact]
    public void Listen_form_of_a_queue_is_its_root_and_a_slash()
    {
        Assert.Equal("test_raw/", RawQueueNames.ListenForm("test_raw"));
        Assert.Equal("test_raw/", RawQueueNames.ListenForm("test_raw/sub/nested"));
    }

    [Theory]
    [InlineData("square_raw", RawQueueType.List)]
    [InlineData("square_set/eu", RawQueueType.Set)]
    [InlineData("square_sorted_set", RawQueueType.SortedSet)]
    [InlineData("square_timed_set/", RawQueueType.TimedSet)]
    [InlineData("default", null)]
    [InlineData("high/square_raw", null)]
    public void The_public_helper_reads_names_like_the_brokers(string queue, RawQueueType? expected)
    {
        Assert.Equal(expected, RawQueueNaming.TypeOf(queue));
        Assert.Equal(expected is not null, RawQueueNaming.IsRaw(queue));
        Assert.Equal(RawQueueNames.IsRaw(queue), RawQueueNaming.IsRaw(queue));
    }
}
