namespace Mrq.Storage.Sqlite;

/// <summary>
/// Wake-ups of the file's regular queues through the file system (<see cref="FileWakeups"/>), on by default: the
/// processes sharing an embedded file run on one machine, which is what file wake-ups reach.
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
}
