using BenchmarkDotNet.Attributes;
using Mrq.Storage;
using Mrq.Storage.Sqlite;

namespace Mrq.Benchmarks;

/// <summary>
/// The embedded job store's hot path, one batch per operation: enqueue (regular queue), claim, complete (success
/// outcomes), the worker's combined call (complete a batch and claim the next one in one transaction), and the insert
/// of started documents that raw queues do at dequeue.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(Invocations)]
public class SqliteJobStoreBenchmarks
{
    private const int Invocations = 8;
    private const string Queue = "square";
    private const string Worker = "bench-worker";

    private string _directory = "";
    private SqliteJobStore _store = null!;
    private ReadOnlyMemory<byte> _params;
    private readonly List<ClaimedJob> _claimed = [];
    private readonly Queue<JobOutcome[]> _outcomes = new();
    private byte[] _result = [];

    [Params(50, 1000)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("mrq-bench-").FullName;
        _store = SqliteJobStore.Open(Path.Combine(_directory, "mrq.db"));
        _params = Tasks.Square.Job(n: 42).Params;
        _result = [0xcd, 0x06, 0xe4]; // 1764 as MessagePack
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    [IterationSetup(Target = nameof(Claim))]
    public void FillQueue() => EnqueueAsync(Batch * Invocations).AsTask().GetAwaiter().GetResult();

    [IterationSetup(Targets = [nameof(Complete), nameof(CompleteAndClaim)])]
    public void ClaimForComplete()
    {
        // Twice what the setup claims: CompleteAndClaim claims the next batch after writing its outcomes.
        EnqueueAsync(2 * Batch * Invocations).AsTask().GetAwaiter().GetResult();

        _outcomes.Clear();
        for (var i = 0; i < Invocations; i++)
        {
            _claimed.Clear();
            _store.ClaimAsync(Queue, Batch, Worker, _claimed).AsTask().GetAwaiter().GetResult();
            var now = DateTime.UtcNow;
            var outcomes = new JobOutcome[_claimed.Count];
            for (var j = 0; j < outcomes.Length; j++)
            {
                // What the worker posts for a successful Square job.
                outcomes[j] = new JobOutcome(_claimed[j].Id, JobStatus.Success, now, Result: _result, DateExpires: now.AddDays(7), TotalTime: 0.0001) { Worker = Worker };
            }

            _outcomes.Enqueue(outcomes);
        }
    }

    [Benchmark(Description = "enqueue a batch (regular queue)")]
    public ValueTask Enqueue() => EnqueueAsync(Batch);

    [Benchmark(Description = "claim a batch")]
    public async ValueTask<int> Claim()
    {
        _claimed.Clear();
        return await _store.ClaimAsync(Queue, Batch, Worker, _claimed);
    }

    [Benchmark(Description = "complete a batch (success)")]
    public ValueTask Complete() => _store.CompleteAsync(_outcomes.Dequeue());

    [Benchmark(Description = "complete a batch and claim the next (one transaction)")]
    public async ValueTask<int> CompleteAndClaim()
    {
        _claimed.Clear();
        return await _store.CompleteAndClaimAsync(_outcomes.Dequeue(), Queue, Batch, Worker, ClaimOptions.Fifo, _claimed);
    }

    [Benchmark(Description = "insert a batch of started jobs (raw queues)")]
    public ValueTask InsertStarted()
    {
        var now = DateTime.UtcNow;
        var documents = new JobInfo[Batch];
        for (var i = 0; i < documents.Length; i++)
        {
            documents[i] = new JobInfo
            {
                Id = JobId.NewId(now),
                Path = Tasks.Square.Path,
                Queue = "default",
                Status = JobStatus.Started,
                Params = _params,
                DateQueued = now,
                DateStarted = now,
                DateUpdated = now,
                Worker = Worker,
                RawQueue = "square_raw",
            };
        }

        return _store.InsertAsync(documents);
    }

    private ValueTask EnqueueAsync(int count)
    {
        var now = DateTime.UtcNow;
        var jobs = new NewJob[count];
        for (var i = 0; i < jobs.Length; i++)
        {
            jobs[i] = new NewJob(JobId.NewId(now), Tasks.Square.Path, Queue, _params, now);
        }

        return _store.EnqueueAsync(jobs);
    }
}
