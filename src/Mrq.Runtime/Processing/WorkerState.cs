using System.Collections.Concurrent;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// What the parts of a running worker share: its identity and status, the jobs in flight (running or claimed ahead)
/// with the counts of those and of finished jobs, and the signal that wakes the dequeue loop when a slot frees or an
/// outcome is posted.
/// </summary>
internal sealed class WorkerState(string id, string name, int greenlets)
{
    // Released when a job's slot frees or an outcome is posted: the loop wakes to claim and to carry outcomes to the store.
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    // The jobs in flight, one slot per greenlet: the loop (the only caller of Add) puts a job in a free slot and the job
    // empties it when it ends, with no lock, node or hashing per job (a ConcurrentDictionary cost a node, two hashings
    // and two bucket locks per job, docs/benchmarks.md, "The engine's per-job path measured alone"). There is a slot for
    // every greenlet and every job claimed ahead (ClaimAhead); jobs past them (none while the loop keeps its limits) go
    // to the overflow map. Readers (the monitor, the report, a forced stop) take a snapshot.
    private readonly RunningJob?[] _slots = new RunningJob?[Math.Max(greenlets + ClaimAhead.Most(greenlets), 1)];
    private readonly ConcurrentDictionary<JobId, RunningJob> _overflow = new();
    private int _nextSlot;
    private volatile string _status = WorkerStatus.Init;
    private int _running;
    private long _doneJobs;

    /// <summary>The worker's id, stored on the jobs it runs.</summary>
    public string Id { get; } = id;

    /// <summary>The worker's display name.</summary>
    public string Name { get; } = name;

    /// <summary>When the worker started running (UTC).</summary>
    public DateTime DateStarted { get; set; }

    /// <summary>The worker's status (MRQ's <c>init</c>, <c>wait</c>, <c>spawn</c>, <c>full</c>, <c>join</c>, <c>kill</c>, <c>stop</c>).</summary>
    public string Status
    {
        get => _status;
        set => _status = value;
    }

    /// <summary>Jobs in flight (slots taken): running, or claimed ahead and waiting for a greenlet.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Jobs finished so far, whatever their outcome.</summary>
    public long DoneJobs => Interlocked.Read(ref _doneJobs);

    /// <summary>The jobs in flight (a snapshot).</summary>
    public ICollection<RunningJob> Jobs
    {
        get
        {
            var jobs = new List<RunningJob>(Running);
            for (var i = 0; i < _slots.Length; i++)
            {
                if (Volatile.Read(ref _slots[i]) is { } running)
                {
                    jobs.Add(running);
                }
            }

            if (!_overflow.IsEmpty)
            {
                jobs.AddRange(_overflow.Values);
            }

            return jobs;
        }
    }

    public bool TryGetJob(JobId id, out RunningJob running)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (Volatile.Read(ref _slots[i]) is { } job && job.Job.Id == id)
            {
                running = job;
                return true;
            }
        }

        return _overflow.TryGetValue(id, out running!);
    }

    /// <summary>Takes a slot for <paramref name="running"/> (worker loop only).</summary>
    public void Add(RunningJob running)
    {
        Interlocked.Increment(ref _running);
        for (var probes = 0; probes < _slots.Length; probes++)
        {
            var slot = _nextSlot;
            _nextSlot = slot + 1 == _slots.Length ? 0 : slot + 1;
            if (Volatile.Read(ref _slots[slot]) is null)
            {
                running.Slot = slot;
                Volatile.Write(ref _slots[slot], running);
                return;
            }
        }

        running.Slot = -1;
        _overflow[running.Job.Id] = running;
    }

    /// <summary>
    /// Frees the slot of a job that ended (and disposes it), counts it done unless <paramref name="done"/> is false (a
    /// job claimed ahead and handed back to its queue without running) and wakes the loop.
    /// </summary>
    public void Release(RunningJob running, bool done = true)
    {
        if (running.Slot >= 0)
        {
            Volatile.Write(ref _slots[running.Slot], null);
        }
        else
        {
            _overflow.TryRemove(running.Job.Id, out _);
        }

        running.Dispose();
        if (done)
        {
            Interlocked.Increment(ref _doneJobs);
        }

        Interlocked.Decrement(ref _running);

        // One wake for both the freed slot and the posted outcome.
        Wake();
    }

    /// <summary>Wakes the loop (a slot freed, an outcome posted).</summary>
    public void Wake()
    {
        // One pending wake is enough, the loop recounts everything when it wakes: a busy loop that never waits must
        // not pile up one count per job.
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Waits for a wake.</summary>
    public Task WaitForWakeAsync(CancellationToken cancellationToken) => _wake.WaitAsync(cancellationToken);

    /// <summary>Waits for a wake at most <paramref name="timeout"/>; false when none came.</summary>
    public Task<bool> WaitForWakeAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    /// <summary>Consumes the pending wakes: the loop recounts everything anyway.</summary>
    public void ClearWakes()
    {
        while (_wake.Wait(0))
        {
        }
    }
}
