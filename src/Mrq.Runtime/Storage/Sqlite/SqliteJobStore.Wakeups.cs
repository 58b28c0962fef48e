namespace Mrq.Storage.Sqlite;

/// <summary>
/// Wake-ups of the file's regular queues through the file system (<see cref="FileWakeups"/>), on by default: the
/// processes sharing an embedded file run on one machine, which is what file wake-ups reach. The client announces its
/// enqueues (<see cref="NotifyAsync"/>, which honours <c>notify: false</c>); the store itself announces the jobs its
/// requeues put back in a queue (by filter or status, handed back, due retries, recovery), once they are committed:
/// only the store knows every queue such a statement filled.
/// </summary>
internal sealed partial class SqliteJobStore : IJobStoreWakeups
{
    private FileWakeups? _fileWakeups;

    private FileWakeups Wakeups => _fileWakeups ??= new FileWakeups(FilePath);

    /// <inheritdoc />
    public ValueTask NotifyAsync(string queue, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Wakeups.Notify(queue);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IQueueWakeups?> SubscribeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IQueueWakeups?>(Wakeups.Subscribe(queues));
    }

    /// <summary>Notes, in a write transaction, the root of a queue that <paramref name="count"/> jobs enter as <c>queued</c>.</summary>
    private static void NoteRefilled(HashSet<string> refilled, in SqliteJobCounts.Key to, long count)
    {
        if (count > 0 && string.Equals(to.Status, QueuedName, StringComparison.Ordinal))
        {
            refilled.Add(PausedQueues.Root(to.Queue));
        }
    }

    /// <summary>Wakes the workers of the roots a committed transaction put jobs back in (nothing when it rolled back: it threw).</summary>
    private void WakeRefilled(HashSet<string>? refilled)
    {
        if (refilled is null)
        {
            return;
        }

        foreach (var root in refilled)
        {
            Wakeups.Notify(root);
        }
    }
}
