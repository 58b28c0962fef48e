// Over 400 lines on purpose: one contract's conformance suite is read as one list of rules by an adapter's author,
// and each test is short and independent; splitting it by method would scatter the rules of one contract.
using System.Buffers.Binary;
using System.Collections.Concurrent;
using Mrq.Storage;

namespace Mrq.Testing;

/// <summary>
/// What every <see cref="IJobStore"/> adapter must do. An adapter's test class derives from this one and says how to
/// open a store; xunit runs every test below against it. No test depends on timing.
/// </summary>
/// <remarks>
/// Tests here are <see cref="StoreFactAttribute"/> / <see cref="StoreTheoryAttribute"/>, not [Fact] / [Theory]: they run
/// like them, except that an adapter whose class carries a <see cref="StoreSkipAttribute"/> with a reason (MongoDB
/// without <c>MRQ_MONGODB_URI</c>) reports them as skipped. A plain [Fact] here would fail for that adapter instead
/// (<c>MongoConfigurationTests.Every_conformance_test_is_skippable_for_an_adapter_without_its_server</c> checks this).
/// </remarks>
public abstract partial class JobStoreConformanceTests : IAsyncLifetime
{
    /// <summary>A date with whole milliseconds, the precision every store keeps.</summary>
    protected static readonly DateTime BaseDate = new(2025, 3, 14, 15, 9, 26, 535, DateTimeKind.Utc);

    private readonly List<IAsyncDisposable> _opened = [];

    /// <summary>
    /// Opens a store on this test's backing (a file, a database), which is empty when the test starts. Every call
    /// within one test opens another, independent instance on the same backing.
    /// </summary>
    protected abstract IJobStore OpenStoreCore();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    protected IJobStore OpenStore()
    {
        var store = OpenStoreCore();
        lock (_opened)
        {
            _opened.Add(store);
        }

        return store;
    }

    /// <summary>An id whose creation second is <paramref name="date"/>'s and whose order among ids of that second is <paramref name="n"/>.</summary>
    protected static JobId Id(DateTime date, int n)
    {
        Span<byte> bytes = stackalloc byte[JobId.Size];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)(date - DateTime.UnixEpoch).TotalSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[4..], 0x5EED);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[8..], (uint)n);
        return new JobId(bytes);
    }

    protected static byte[] Params(int n) => [0x81, 0xA1, (byte)'n', 0xCE, (byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n];

    protected static NewJob Job(int n, DateTime dateQueued, string queue = "default", string path = "tests.Add") =>
        new(Id(dateQueued, n), path, queue, Params(n), dateQueued);

    /// <summary>Claims batches of <paramref name="batch"/> until the queue is empty, in the order they were handed out.</summary>
    protected static async Task<List<ClaimedJob>> ClaimAllAsync(IJobStore store, string queue, int batch, string worker = "worker-1")
    {
        var all = new List<ClaimedJob>();
        while (await store.ClaimAsync(queue, batch, worker, all) > 0)
        {
        }

        return all;
    }

    private static DateTime FloorToMillisecond(DateTime date) =>
        new(date.Ticks - (date.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    [StoreFact]
    public async Task Enqueue_then_get_returns_every_field()
    {
        var store = OpenStore();
        var job = Job(1, BaseDate, queue: "emails", path: "tasks.mail.Send");

        await store.EnqueueAsync(new[] { job });
        var info = await store.GetAsync(job.Id);

        Assert.NotNull(info);
        Assert.Equal(job.Id, info.Id);
        Assert.Equal("tasks.mail.Send", info.Path);
        Assert.Equal("emails", info.Queue);
        Assert.Equal(JobStatus.Queued, info.Status);
        Assert.Equal(Params(1), info.Params.ToArray());
        Assert.Null(info.Result);
        Assert.Null(info.ExceptionType);
        Assert.Null(info.Traceback);
        Assert.Equal(BaseDate, info.DateQueued);
        Assert.Equal(DateTimeKind.Utc, info.DateQueued!.Value.Kind);
        Assert.Null(info.DateStarted);
        Assert.Null(info.DateUpdated);
        Assert.Null(info.DateExpires);
        Assert.Null(info.Worker);
        Assert.Equal(0, info.RetryCount);
        Assert.Null(info.TotalTime);
        Assert.Null(info.RawQueue);
    }

    [StoreFact]
    public async Task Get_of_an_unknown_id_returns_null()
    {
        var store = OpenStore();
        await store.EnqueueAsync(new[] { Job(1, BaseDate) });

        Assert.Null(await store.GetAsync(Id(BaseDate, 2)));
    }

    [StoreFact]
    public async Task Params_are_kept_byte_for_byte_including_empty_and_sliced_memory()
    {
        var store = OpenStore();
        var backing = new byte[] { 9, 9, 0x81, 0xA1, (byte)'x', 0x01, 9 };
        var sliced = new NewJob(Id(BaseDate, 1), "tests.A", "default", backing.AsMemory(2, 4), BaseDate);
        var prefix = new NewJob(Id(BaseDate, 2), "tests.A", "default", backing.AsMemory(0, 3), BaseDate);
        var empty = new NewJob(Id(BaseDate, 3), "tests.A", "default", ReadOnlyMemory<byte>.Empty, BaseDate);

        await store.EnqueueAsync(new[] { sliced, prefix, empty });

        Assert.Equal(new byte[] { 0x81, 0xA1, (byte)'x', 0x01 }, (await store.GetAsync(sliced.Id))!.Params.ToArray());
        Assert.Equal(new byte[] { 9, 9, 0x81 }, (await store.GetAsync(prefix.Id))!.Params.ToArray());
        Assert.Empty((await store.GetAsync(empty.Id))!.Params.ToArray());
        var claimed = await ClaimAllAsync(store, "default", 10);
        Assert.Equal(new byte[] { 0x81, 0xA1, (byte)'x', 0x01 }, claimed[0].Params.ToArray());
    }

    [StoreFact]
    public async Task Dates_are_kept_to_the_millisecond_and_read_back_as_utc()
    {
        var store = OpenStore();
        var precise = new DateTime(BaseDate.Ticks + 1234, DateTimeKind.Unspecified); // 123.4 µs past BaseDate
        var job = new NewJob(Id(BaseDate, 1), "tests.A", "default", Params(1), precise);

        await store.EnqueueAsync(new[] { job });
        var info = await store.GetAsync(job.Id);

        Assert.Equal(BaseDate, info!.DateQueued);
        Assert.Equal(DateTimeKind.Utc, info.DateQueued!.Value.Kind);
    }

    [StoreFact]
    public async Task Claim_is_fifo_by_datequeued_then_id_within_and_across_batches()
    {
        var store = OpenStore();
        var t0 = BaseDate;
        var t1 = BaseDate.AddSeconds(1);
        var earlier = BaseDate.AddSeconds(-1);

        // One batch, one date, ids out of order: claimed by id.
        await store.EnqueueAsync(new[] { Job(5, t0), Job(3, t0), Job(1, t0), Job(4, t0), Job(2, t0) });

        // A later batch at a later date with smaller ids: after the first batch (date before id).
        var smallId = Id(BaseDate.AddSeconds(-10), 100);
        await store.EnqueueAsync(new[] { Job(7, t1), new NewJob(smallId, "tests.Add", "default", Params(0), t1) });

        // Within a batch, dates decide before input order.
        await store.EnqueueAsync(new[] { Job(9, t1.AddMilliseconds(2)), Job(8, t1.AddMilliseconds(1)) });

        // Enqueued last but queued earliest (as a requeued job can be): first.
        await store.EnqueueAsync(new[] { Job(6, earlier) });

        var claimed = await ClaimAllAsync(store, "default", batch: 3);

        JobId[] expected =
        [
            Id(earlier, 6),
            Id(t0, 1), Id(t0, 2), Id(t0, 3), Id(t0, 4), Id(t0, 5),
            smallId, Id(t1, 7),
            Id(t1.AddMilliseconds(1), 8), Id(t1.AddMilliseconds(2), 9),
        ];
        Assert.Equal(expected, claimed.Select(j => j.Id).ToArray());
    }

    [StoreFact]
    public async Task The_trace_context_stored_at_enqueue_comes_back_with_the_claim()
    {
        var store = OpenStore();
        const string parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        await store.EnqueueAsync(new[]
        {
            Job(1, BaseDate, queue: "traced") with { TraceParent = parent, TraceState = "vendor=x" },
            Job(2, BaseDate.AddMilliseconds(1), queue: "traced"),
            Job(3, BaseDate.AddMilliseconds(2), queue: "traced") with { TraceParent = parent },
        });

        var fifo = new List<ClaimedJob>();
        await store.ClaimAsync("traced", 2, "w", fifo);
        var filtered = new List<ClaimedJob>();
        await store.ClaimAsync("traced", 5, "w", new ClaimOptions { NewestFirst = true }, filtered);

        Assert.Equal((parent, "vendor=x"), (fifo[0].TraceParent, fifo[0].TraceState));
        Assert.Equal((null, null), (fifo[1].TraceParent, fifo[1].TraceState));
        Assert.Equal((parent, null), (Assert.Single(filtered).TraceParent, filtered[0].TraceState));
    }

    [StoreFact]
    public async Task Claim_returns_at_most_max_appends_and_marks_the_jobs_started()
    {
        var store = OpenStore();
        var jobs = Enumerable.Range(1, 5).Select(n => Job(n, BaseDate.AddMilliseconds(n), queue: "q", path: $"tests.T{n}")).ToArray();
        await store.EnqueueAsync(jobs);
        var sentinel = new ClaimedJob(Id(BaseDate, 999), "sentinel", "other", Array.Empty<byte>(), 0, BaseDate, BaseDate);
        var into = new List<ClaimedJob> { sentinel };

        var before = FloorToMillisecond(DateTime.UtcNow);
        var count = await store.ClaimAsync("q", 3, "worker-a", into);
        var after = DateTime.UtcNow;

        Assert.Equal(3, count);
        Assert.Equal(4, into.Count);
        Assert.Same(sentinel, into[0]);
        for (var i = 0; i < 3; i++)
        {
            var claimed = into[i + 1];
            Assert.Equal(jobs[i].Id, claimed.Id);
            Assert.Equal(jobs[i].Path, claimed.Path);
            Assert.Equal("q", claimed.Queue);
            Assert.Equal(Params(i + 1), claimed.Params.ToArray());
            Assert.Equal(0, claimed.RetryCount);
            Assert.Equal(jobs[i].DateQueued, claimed.DateQueued);
            Assert.InRange(claimed.DateStarted, before, after);

            var info = await store.GetAsync(claimed.Id);
            Assert.Equal(JobStatus.Started, info!.Status);
            Assert.Equal("worker-a", info.Worker);
            Assert.Equal(claimed.DateStarted, info.DateStarted);
            Assert.Null(info.DateExpires);
        }

        for (var i = 3; i < 5; i++)
        {
            var info = await store.GetAsync(jobs[i].Id);
            Assert.Equal(JobStatus.Queued, info!.Status);
            Assert.Null(info.Worker);
            Assert.Null(info.DateStarted);
        }

        Assert.Equal(2, await store.CountAsync("q", JobStatus.Queued));
        Assert.Equal(3, await store.CountAsync("q", JobStatus.Started));
    }

    [StoreFact]
    public async Task Claim_on_an_empty_or_other_queue_or_with_max_zero_returns_nothing()
    {
        var store = OpenStore();
        var into = new List<ClaimedJob>();

        Assert.Equal(0, await store.ClaimAsync("a", 10, "w", into));
        await store.EnqueueAsync(new[] { Job(1, BaseDate, queue: "a"), Job(2, BaseDate, queue: "a") });
        Assert.Equal(0, await store.ClaimAsync("b", 10, "w", into));
        Assert.Equal(0, await store.ClaimAsync("A", 10, "w", into));
        Assert.Equal(0, await store.ClaimAsync("a", 0, "w", into));

        Assert.Empty(into);
        Assert.Equal(2, await store.CountAsync("a", JobStatus.Queued));
    }

    [StoreFact]
    public async Task A_claimed_job_is_not_claimed_again()
    {
        var store = OpenStore();
        await store.EnqueueAsync(new[] { Job(1, BaseDate), Job(2, BaseDate) });

        var first = await ClaimAllAsync(store, "default", 10);
        var again = new List<ClaimedJob>();

        Assert.Equal(2, first.Count);
        Assert.Equal(0, await store.ClaimAsync("default", 10, "w", again));
        Assert.Empty(again);
    }

    [StoreFact]
    public async Task Complete_with_success_writes_result_expiry_and_total_time()
    {
        var store = OpenStore();
        var job = Job(1, BaseDate);
        await store.EnqueueAsync(new[] { job });
        await ClaimAllAsync(store, "default", 1, worker: "w-1");
        var updated = BaseDate.AddSeconds(30);
        byte[] result = [0x93, 0x01, 0x02, 0x03];

        await store.CompleteAsync(new[] { new JobOutcome(job.Id, JobStatus.Success, updated, result, DateExpires: updated.AddDays(7), TotalTime: 1.25) });
        var info = await store.GetAsync(job.Id);

        Assert.Equal(JobStatus.Success, info!.Status);
        Assert.Equal(result, info.Result!.Value.ToArray());
        Assert.Equal(updated, info.DateUpdated);
        Assert.Equal(updated.AddDays(7), info.DateExpires);
        Assert.Equal(1.25, info.TotalTime);
        Assert.Null(info.ExceptionType);
        Assert.Null(info.Traceback);
        Assert.Equal("w-1", info.Worker);
        Assert.NotNull(info.DateStarted);
        Assert.Equal(BaseDate, info.DateQueued);
    }

    [StoreFact]
    public async Task Complete_with_a_failure_writes_exception_type_and_traceback()
    {
        var store = OpenStore();
        var job = Job(1, BaseDate);
        await store.EnqueueAsync(new[] { job });
        await ClaimAllAsync(store, "default", 1);
        var traceback = "System.InvalidOperationException: bad état ✗\n" + string.Concat(Enumerable.Repeat("   at Tests.Frame()\n", 500));

        await store.CompleteAsync(new[] { new JobOutcome(job.Id, JobStatus.Failed, BaseDate.AddSeconds(2), ExceptionType: "System.InvalidOperationException", Traceback: traceback, DateExpires: BaseDate.AddDays(180), TotalTime: 0.5) });
        var info = await store.GetAsync(job.Id);

        Assert.Equal(JobStatus.Failed, info!.Status);
        Assert.Equal("System.InvalidOperationException", info.ExceptionType);
        Assert.Equal(traceback, info.Traceback);
        Assert.Null(info.Result);
        Assert.Equal(BaseDate.AddSeconds(2), info.DateUpdated);
        Assert.Equal(BaseDate.AddDays(180), info.DateExpires);
        Assert.Equal(0.5, info.TotalTime);
    }

    [StoreFact]
    public async Task Complete_writes_many_outcomes_in_one_call_and_ignores_unknown_ids()
    {
        var store = OpenStore();
        var statuses = new[] { JobStatus.Success, JobStatus.Failed, JobStatus.Timeout, JobStatus.Abort, JobStatus.Interrupt, JobStatus.MaxRetries, JobStatus.Success };
        var jobs = Enumerable.Range(1, statuses.Length).Select(n => Job(n, BaseDate)).ToArray();
        await store.EnqueueAsync(jobs);
        await ClaimAllAsync(store, "default", 100);
        var outcomes = jobs.Select((j, i) => new JobOutcome(j.Id, statuses[i], BaseDate.AddSeconds(i))).Append(new JobOutcome(Id(BaseDate, 1000), JobStatus.Success, BaseDate)).ToArray();

        await store.CompleteAsync(outcomes);

        for (var i = 0; i < jobs.Length; i++)
        {
            var info = await store.GetAsync(jobs[i].Id);
            Assert.Equal(statuses[i], info!.Status);
            Assert.Equal(BaseDate.AddSeconds(i), info.DateUpdated);
        }

        Assert.Null(await store.GetAsync(Id(BaseDate, 1000)));
        Assert.Equal(2, await store.CountAsync("default", JobStatus.Success));
        Assert.Equal(1, await store.CountAsync("default", JobStatus.Failed));
        Assert.Equal(0, await store.CountAsync("default", JobStatus.Started));
    }

    [StoreFact]
    public async Task Counts_are_per_queue_and_status()
    {
        var store = OpenStore();
        await store.EnqueueAsync(Enumerable.Range(1, 6).Select(n => Job(n, BaseDate, queue: "a")).Concat(Enumerable.Range(7, 4).Select(n => Job(n, BaseDate, queue: "b"))).ToArray());
        var claimed = new List<ClaimedJob>();
        await store.ClaimAsync("a", 4, "w", claimed);
        await store.CompleteAsync(new[] { new JobOutcome(claimed[0].Id, JobStatus.Success, BaseDate), new JobOutcome(claimed[1].Id, JobStatus.Failed, BaseDate) });

        Assert.Equal(2, await store.CountAsync("a", JobStatus.Queued));
        Assert.Equal(2, await store.CountAsync("a", JobStatus.Started));
        Assert.Equal(1, await store.CountAsync("a", JobStatus.Success));
        Assert.Equal(1, await store.CountAsync("a", JobStatus.Failed));
        Assert.Equal(4, await store.CountAsync("b", JobStatus.Queued));
        Assert.Equal(0, await store.CountAsync("b", JobStatus.Started));
        Assert.Equal(0, await store.CountAsync("c", JobStatus.Queued));
    }

    [StoreFact]
    public async Task Empty_enqueue_and_complete_do_nothing()
    {
        var store = OpenStore();

        await store.EnqueueAsync(ReadOnlyMemory<NewJob>.Empty);
        await store.CompleteAsync(ReadOnlyMemory<JobOutcome>.Empty);

        Assert.Equal(0, await store.CountAsync("default", JobStatus.Queued));
    }

    [StoreFact]
    public async Task A_disposed_store_refuses_calls_and_can_be_disposed_again()
    {
        var store = OpenStore();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.ClaimAsync("default", 1, "w", []));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.GetAsync(Id(BaseDate, 1)));
        await store.DisposeAsync();
    }

    [StoreFact]
    public async Task A_bulk_enqueue_of_100000_jobs_is_claimable_exactly_once_in_fifo_order()
    {
        const int total = 100_000;
        var store = OpenStore();
        var jobs = new NewJob[total];
        for (var i = 0; i < total; i++)
        {
            jobs[i] = Job(i, BaseDate.AddMilliseconds(i / 10), queue: "bulk");
        }

        await store.EnqueueAsync(jobs);
        Assert.Equal(total, await store.CountAsync("bulk", JobStatus.Queued));

        var claimed = await ClaimAllAsync(store, "bulk", batch: 997);

        Assert.Equal(total, claimed.Count);
        for (var i = 0; i < total; i++)
        {
            if (claimed[i].Id != jobs[i].Id)
            {
                Assert.Fail($"Claim #{i} was {claimed[i].Id}, expected {jobs[i].Id}.");
            }
        }

        Assert.Equal(0, await store.CountAsync("bulk", JobStatus.Queued));
        Assert.Equal(total, await store.CountAsync("bulk", JobStatus.Started));
    }

    [StoreFact]
    public async Task Concurrent_claimers_on_separate_instances_claim_every_job_exactly_once()
    {
        const int total = 20_000;
        const int claimers = 8;
        var jobs = Enumerable.Range(0, total).Select(n => Job(n, BaseDate, queue: "shared")).ToArray();
        await OpenStore().EnqueueAsync(jobs);
        var stores = Enumerable.Range(0, claimers).Select(_ => OpenStore()).ToArray();
        using var start = new ManualResetEventSlim();

        var tasks = stores.Select((store, c) => Task.Run(async () =>
        {
            var random = new Random(c);
            var mine = new List<ClaimedJob>();
            start.Wait();
            while (await store.ClaimAsync("shared", random.Next(1, 51), $"claimer-{c}", mine) > 0)
            {
            }

            return mine;
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);

        var seen = new HashSet<JobId>();
        for (var c = 0; c < claimers; c++)
        {
            foreach (var job in results[c])
            {
                Assert.True(seen.Add(job.Id), $"Job {job.Id} was claimed twice.");
            }
        }

        Assert.Equal(total, seen.Count);
        Assert.True(seen.SetEquals(jobs.Select(j => j.Id)));
        Assert.Equal(total, await stores[0].CountAsync("shared", JobStatus.Started));
    }

    [StoreFact]
    public async Task One_instance_serves_concurrent_claims_completions_and_reads()
    {
        const int total = 5_000;
        var store = OpenStore();
        await store.EnqueueAsync(Enumerable.Range(0, total).Select(n => Job(n, BaseDate, queue: "busy")).ToArray());
        var claimedIds = new ConcurrentBag<JobId>();
        using var done = new CancellationTokenSource();

        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var batch = new List<ClaimedJob>();
            while (true)
            {
                batch.Clear();
                if (await store.ClaimAsync("busy", 25, $"w{w}", batch) == 0)
                {
                    return;
                }

                var outcomes = new JobOutcome[batch.Count];
                for (var i = 0; i < batch.Count; i++)
                {
                    claimedIds.Add(batch[i].Id);
                    outcomes[i] = new JobOutcome(batch[i].Id, JobStatus.Success, DateTime.UtcNow, new byte[] { 0x01 });
                }

                await store.CompleteAsync(outcomes);
            }
        })).ToArray();
        var reader = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await store.CountAsync("busy", JobStatus.Success);
                await store.GetAsync(Id(BaseDate, 0));
            }
        });

        await Task.WhenAll(workers);
        await done.CancelAsync();
        await reader;

        Assert.Equal(total, claimedIds.Count);
        Assert.Equal(total, claimedIds.Distinct().Count());
        Assert.Equal(total, await store.CountAsync("busy", JobStatus.Success));
        Assert.Equal(0, await store.CountAsync("busy", JobStatus.Started));
    }

    [StoreFact]
    public async Task Complete_and_claim_writes_the_outcomes_then_claims_the_next_jobs_in_fifo_order()
    {
        var store = OpenStore();
        var jobs = Enumerable.Range(1, 5).Select(n => Job(n, BaseDate.AddSeconds(n))).ToArray();
        await store.EnqueueAsync(jobs);
        var first = new List<ClaimedJob>();
        await store.ClaimAsync("default", 2, "w", first);
        var outcomes = first.Select(j => new JobOutcome(j.Id, JobStatus.Success, BaseDate.AddMinutes(1), Result: new byte[] { 0x2A }) { Worker = "w" }).ToArray();

        var next = new List<ClaimedJob>();
        var claimed = await store.CompleteAndClaimAsync(outcomes, "default", 2, "w", ClaimOptions.Fifo, next);

        Assert.Equal(2, claimed);
        Assert.Equal([jobs[2].Id, jobs[3].Id], next.Select(j => j.Id));
        Assert.All(next, j => Assert.Equal(Params(BinaryPrimitives.ReadInt32BigEndian(j.Params.Span[4..])), j.Params.ToArray()));
        foreach (var done in first)
        {
            var info = await store.GetAsync(done.Id);
            Assert.Equal(JobStatus.Success, info!.Status);
            Assert.Equal(new byte[] { 0x2A }, info.Result!.Value.ToArray());
        }

        Assert.Equal(JobStatus.Started, (await store.GetAsync(jobs[3].Id))!.Status);
        Assert.Equal(JobStatus.Queued, (await store.GetAsync(jobs[4].Id))!.Status);
    }

    [StoreFact]
    public async Task Complete_and_claim_writes_the_outcomes_even_when_nothing_is_claimed()
    {
        var store = OpenStore();
        var job = Job(1, BaseDate);
        await store.EnqueueAsync(new[] { job });
        await ClaimAllAsync(store, "default", 10, worker: "w");

        var into = new List<ClaimedJob>();
        var outcome = new JobOutcome(job.Id, JobStatus.Failed, BaseDate.AddSeconds(1), ExceptionType: "E", Traceback: "t") { Worker = "w" };
        Assert.Equal(0, await store.CompleteAndClaimAsync(new[] { outcome }, "default", 10, "w", ClaimOptions.Fifo, into));
        Assert.Equal(0, await store.CompleteAndClaimAsync(ReadOnlyMemory<JobOutcome>.Empty, "other", 0, "w", ClaimOptions.Fifo, into));

        Assert.Empty(into);
        Assert.Equal(JobStatus.Failed, (await store.GetAsync(job.Id))!.Status);
    }

    [StoreFact]
    public async Task Complete_and_claim_follows_the_claim_options()
    {
        var store = OpenStore();
        var jobs = new[]
        {
            Job(1, BaseDate.AddSeconds(1), path: "tests.A"),
            Job(2, BaseDate.AddSeconds(2), path: "tests.B"),
            Job(3, BaseDate.AddSeconds(3), path: "tests.A"),
        };
        await store.EnqueueAsync(jobs);

        var into = new List<ClaimedJob>();
        var options = ClaimOptions.Fifo with { NewestFirst = true, OnlyPaths = ["tests.A"] };
        Assert.Equal(2, await store.CompleteAndClaimAsync(ReadOnlyMemory<JobOutcome>.Empty, "default", 10, "w", options, into));

        Assert.Equal([jobs[2].Id, jobs[0].Id], into.Select(j => j.Id));
        Assert.Equal(JobStatus.Queued, (await store.GetAsync(jobs[1].Id))!.Status);
    }

    [StoreFact]
    public async Task Complete_and_insert_writes_the_outcomes_and_stores_the_documents()
    {
        var store = OpenStore();
        var job = Job(1, BaseDate);
        await store.EnqueueAsync(new[] { job });
        await ClaimAllAsync(store, "default", 1, worker: "w");
        var made = RawDocument(2, JobStatus.Started);

        await store.CompleteAndInsertAsync(new[] { new JobOutcome(job.Id, JobStatus.Success, BaseDate.AddSeconds(1)) { Worker = "w" } }, new[] { made });

        Assert.Equal(JobStatus.Success, (await store.GetAsync(job.Id))!.Status);
        var stored = await store.GetAsync(made.Id);
        Assert.Equal(JobStatus.Started, stored!.Status);
        Assert.Equal("default_raw", stored.RawQueue);
        Assert.Equal("w", stored.Worker);
    }

    [StoreFact]
    public async Task A_whole_document_in_retry_keeps_its_due_date_and_progress_and_is_requeued_when_due()
    {
        // A raw job stored only when it ends (statuses_no_storage) that asked for a retry: stored whole, in retry.
        var store = OpenStore();
        var retry = RawDocument(4, JobStatus.Retry) with
        {
            ExceptionType = "RetryInterrupt",
            DateUpdated = BaseDate,
            DateRetry = RetryDue,
            RetryCount = 1,
            Progress = 0.5,
        };

        await store.CompleteAndInsertAsync(ReadOnlyMemory<JobOutcome>.Empty, new[] { retry });

        var stored = (await store.GetAsync(retry.Id))!;
        Assert.Equal((JobStatus.Retry, (DateTime?)RetryDue, (double?)0.5, 1), (stored.Status, stored.DateRetry, stored.Progress, stored.RetryCount));
        Assert.Equal(1, await store.RequeueDueRetriesAsync(RetryDue));
        Assert.Equal(retry.Id, Assert.Single(await ClaimAllAsync(store, "default", 10)).Id);
    }

    [StoreFact]
    public async Task A_whole_document_that_ended_in_failure_keeps_its_traceback_history()
    {
        var store = OpenStore();
        var entry = new TracebackEntry
        {
            Date = BaseDate.AddSeconds(1),
            Status = JobStatus.Failed,
            ExceptionType = "System.FormatException",
            Traceback = "the traceback",
            Worker = "w",
        };
        var failed = RawDocument(3, JobStatus.Failed) with
        {
            ExceptionType = entry.ExceptionType,
            Traceback = entry.Traceback,
            DateUpdated = entry.Date,
            TracebackHistory = [entry],
        };

        await store.CompleteAndInsertAsync(ReadOnlyMemory<JobOutcome>.Empty, new[] { failed });

        Assert.Equal(entry, Assert.Single((await store.GetAsync(failed.Id))!.TracebackHistory));
    }

    // A job made from raw queue default_raw by worker w and stored whole (the shape CompleteAndInsertAsync receives).
    private static JobInfo RawDocument(int n, JobStatus status) => new()
    {
        Id = Id(BaseDate, n),
        Path = "tests.Add",
        Queue = "default",
        Status = status,
        Params = Params(n),
        DateQueued = BaseDate,
        DateStarted = BaseDate,
        Worker = "w",
        RawQueue = "default_raw",
    };
}
