using Mrq.Storage;

namespace Mrq.Testing;

/// <summary>
/// Concurrency slots (<see cref="IConcurrencySlots"/>): counting semaphores shared by every worker, for tasks' max
/// concurrency. Expiry is tested with explicit <c>now</c> values, never by waiting.
/// </summary>
public abstract partial class QueueBrokerConformanceTests
{
    [Fact]
    public async Task A_semaphore_admits_at_most_limit_holders_across_brokers_and_a_release_frees_one()
    {
        var other = await NewBrokerAsync(independent: true);
        var expires = Now.AddMinutes(5);

        Assert.True(await Broker.TryAcquireSlotAsync("tests.Add", "h1", 2, Now, expires));
        Assert.True(await other.TryAcquireSlotAsync("tests.Add", "h2", 2, Now, expires));
        Assert.False(await Broker.TryAcquireSlotAsync("tests.Add", "h3", 2, Now, expires));
        Assert.False(await other.TryAcquireSlotAsync("tests.Add", "h3", 2, Now, expires));
        Assert.True(await Broker.TryAcquireSlotAsync("tests.Other", "h3", 1, Now, expires));

        await other.ReleaseSlotAsync("tests.Add", "h1");
        Assert.True(await Broker.TryAcquireSlotAsync("tests.Add", "h3", 2, Now, expires));
        Assert.False(await Broker.TryAcquireSlotAsync("tests.Add", "h1", 2, Now, expires));

        // Releasing a slot one does not hold (or no longer holds) frees nobody else's.
        await Broker.ReleaseSlotAsync("tests.Add", "h1");
        await Broker.ReleaseSlotAsync("tests.Add", "nobody");
        Assert.False(await Broker.TryAcquireSlotAsync("tests.Add", "h4", 2, Now, expires));
    }

    [Fact]
    public async Task A_crashed_holder_s_slot_frees_itself_once_it_expires()
    {
        Assert.True(await Broker.TryAcquireSlotAsync("tests.Add", "crashed", 1, Now, Now.AddSeconds(10)));

        Assert.False(await Broker.TryAcquireSlotAsync("tests.Add", "h2", 1, Now.AddSeconds(9), Now.AddSeconds(60)));
        Assert.True(await Broker.TryAcquireSlotAsync("tests.Add", "h2", 1, Now.AddSeconds(11), Now.AddSeconds(60)));
        Assert.False(await Broker.TryAcquireSlotAsync("tests.Add", "crashed", 1, Now.AddSeconds(12), Now.AddSeconds(60)));
    }

    [Fact]
    public async Task A_holder_that_acquires_again_still_holds_one_slot()
    {
        var expires = Now.AddMinutes(5);

        Assert.True(await Broker.TryAcquireSlotAsync("tests.Add", "h1", 2, Now, expires));
        Assert.True(await Broker.TryAcquireSlotAsync("tests.Add", "h1", 2, Now, expires));
        Assert.True(await Broker.TryAcquireSlotAsync("tests.Add", "h2", 2, Now, expires));
        Assert.True(await Broker.TryAcquireSlotAsync("tests.Add", "h2", 2, Now, expires));
        Assert.False(await Broker.TryAcquireSlotAsync("tests.Add", "h3", 2, Now, expires));

        await Broker.ReleaseSlotAsync("tests.Add", "h1");
        Assert.True(await Broker.TryAcquireSlotAsync("tests.Add", "h3", 2, Now, expires));
    }
}
