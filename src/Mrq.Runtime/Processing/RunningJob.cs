using Mrq.Configuration;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// A job in flight: its cancellation, deadline and the single right to write its final status. Whoever calls
/// <see cref="TryFinish"/> first (the task returning, the timeout monitor, a forced stop) decides the outcome, which is
/// MRQ's guard that a final status is never overwritten.
/// </summary>
internal sealed class RunningJob(ClaimedJob job, TaskPolicy policy, CancellationToken interrupt) : IDisposable
{
    private readonly CancellationTokenSource _cancellation = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
    private int _finished;

    public ClaimedJob Job { get; } = job;

    public TaskPolicy Policy { get; } = policy;

    /// <summary>When the job times out (UTC).</summary>
    public DateTime Deadline { get; } = job.DateStarted.AddSeconds(policy.Timeout);

    public CancellationToken CancellationToken => _cancellation.Token;

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
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The job finished meanwhile.
        }
    }

    public void Dispose() => _cancellation.Dispose();
}
