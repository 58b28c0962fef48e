using Mrq.Storage;

namespace Mrq.Testing;

/// <summary>
/// Wake-ups carried by the store (<see cref="IJobStoreWakeups"/>): a subscriber on another instance of the same store
/// hears of a job enqueued on a subqueue of its root, and of jobs the store's requeues put back without being told the
/// queue. A store may refuse to subscribe (MongoDB without change streams): its workers then poll, which is not a
/// failure.
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

    /// <summary>
    /// A requeue by status (no queue named), a due retry and a handed-back started job each wake a subscriber of the
    /// root they went back to, with no call to <see cref="IJobStoreWakeups.NotifyAsync"/>. A fresh subscription per step,
    /// so one step's wake-up cannot answer for the next.
    /// </summary>
    [StoreFact]
    public async Task A_store_that_carries_wake_ups_wakes_a_subscriber_when_its_own_requeues_refill_a_queue()
    {
        var worker = OpenStore();
        var actor = OpenStore();
        if (worker is not IJobStoreWakeups wakeups)
        {
            return;
        }

        await actor.EnqueueAsync(new[] { Job(1, BaseDate, queue: "mail/eu"), Job(2, BaseDate, queue: "mail/eu"), Job(3, BaseDate, queue: "mail/eu") });
        var claimed = await ClaimAllAsync(actor, "mail/eu", 3, worker: "w");
        await actor.CompleteAsync(new[]
        {
            new JobOutcome(Id(BaseDate, 1), JobStatus.Failed, Ended),
            new JobOutcome(Id(BaseDate, 2), JobStatus.Retry, Ended) { RetryCount = 1, DateRetry = RetryDue },
        });
        var stillStarted = claimed.Single(j => j.Id == Id(BaseDate, 3));

        async Task AssertWokenAsync(string step, Func<Task<long>> requeue)
        {
            await using var subscription = await wakeups.SubscribeAsync(["mail"]);
            if (subscription is null)
            {
                return;
            }

            Assert.Equal(1, await requeue());
            Assert.True(await subscription.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None), $"no wake-up within a minute after {step}");
        }

        await AssertWokenAsync("a requeue by status", async () => await actor.RequeueAsync(new JobFilter { Statuses = [JobStatus.Failed] }, null, keepRetryCount: false, Ended));
        await AssertWokenAsync("a due retry", async () => await actor.RequeueDueRetriesAsync(RetryDue));
        await AssertWokenAsync("a hand-back", async () => await actor.RequeueStartedAsync(new[] { new StartedJob(stillStarted.Id, stillStarted.Path, "w", stillStarted.DateStarted) }, Ended));
    }
}
