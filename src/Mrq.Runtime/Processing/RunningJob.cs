using Mrq.Configuration;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// A job in flight: its cancellation, deadline and the single right to write its final status. Whoever calls
/// <see cref="TryFinish"/> first (the task returning, the timeout monitor, a forced stop) decides the outcome, which is
/// MRQ's guard that a final status is never overwritten.
/// </summary>
/// <remarks>
/// The job's token source is created the first time the task asks for its token: most tasks take no
/// <see cref="System.Threading.CancellationToken"/>, and a source linked to the worker's interrupt token cost every job
/// three allocations and a registration on that token (docs/benchmarks.md). A cancel that comes first is remembered and
/// applied when the source is created.
/// </remarks>
internal sealed class RunningJob(ClaimedJob job, TaskPolicy policy, CancellationToken interrupt) : IDisposable
{
    private CancellationTokenSource? _cancellation;
    private int _cancelRequested;
    private int _finished;

    public ClaimedJob Job { get; } = job;

    public TaskPolicy Policy { get; } = policy;

    /// <summary>When the job times out (UTC).</summary>
    public DateTime Deadline { get; } = job.DateStarted.AddSeconds(policy.Timeout);

    public CancellationToken CancellationToken
    {
        get
        {
            var source = Volatile.Read(ref _cancellation);
            if (source is null)
            {
                var created = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
                source = Interlocked.CompareExchange(ref _cancellation, created, null) ?? created;
                if (!ReferenceEquals(source, created))
                {
                    created.Dispose();
                }

                // A Cancel that ran before the source existed (the exchange above and the one in Cancel are full fences,
                // so one of the two sides sees the other).
                if (Volatile.Read(ref _cancelRequested) != 0)
                {
                    CancelSource(source);
                }
            }

            return source.Token;
        }
    }

    /// <summary>Why the job's token was cancelled by the worker, if it was (a forced stop counts as interrupt).</summary>
    public JobStatus? CancelledAs
    {
        get => _cancelledAs ?? (interrupt.IsCancellationRequested ? JobStatus.Interrupt : null);
        private set => _cancelledAs = value;
    }

    private JobStatus? _cancelledAs;

    public JobLogger? Logger { get; set; }

    /// <summary>Takes the right to write the job's final status; false when someone already did.</summary>
    public bool TryFinish() => Interlocked.Exchange(ref _finished, 1) == 0;

    /// <summary>Cancels the task's token, recording why.</summary>
    public void Cancel(JobStatus reason)
    {
        _cancelledAs ??= reason;
        Interlocked.Exchange(ref _cancelRequested, 1);
        if (Volatile.Read(ref _cancellation) is { } source)
        {
            CancelSource(source);
        }
    }

    public void Dispose() => Volatile.Read(ref _cancellation)?.Dispose();

    private static void CancelSource(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The job finished meanwhile.
        }
    }
}
