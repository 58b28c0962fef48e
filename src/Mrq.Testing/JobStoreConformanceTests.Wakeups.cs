using Mrq.Storage;

namespace Mrq.Testing;

/// <summary>
/// Wake-ups carried by the store (<see cref="IJobStoreWakeups"/>): a subscriber on another instance of the same store
/// hears of a job enqueued on a subqueue of its root. A store may refuse to subscribe (MongoDB without change streams):
/// its workers then poll, which is not a failure.
/// </summary>
public abstract partial class JobStoreConformanceTests
{
    /// <summary>A subscriber of a root hears of a job enqueued on one of its subqueues, unless the store subscribes to none.</summary>
    [StoreFact]
    public async Task A_store_that_carries_wake_ups_wakes_a_subscriber_of_the_root_when_a_job_is_enqueued()
    {
        var worker = OpenStore();
        var enqueuer = OpenStore();
        if (worker is not IJobStoreWakeups wakeups || enqueuer is not IJobStoreWakeups notifier)
        {
            return;
        }

        await using var subscription = await wakeups.SubscribeAsync(["mail"]);
        if (subscription is null)
        {
            return;
        }

        await enqueuer.EnqueueAsync(new[] { new NewJob(Id(BaseDate, 1), "tests.A", "mail/eu", new byte[] { 0x80 }, BaseDate) });
        await notifier.NotifyAsync("mail/eu");

        Assert.True(await subscription.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None), "no wake-up within a minute");
    }
}
