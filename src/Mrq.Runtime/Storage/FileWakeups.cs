namespace Mrq.Storage;

/// <summary>
/// Wake-ups between processes sharing an embedded file, through the file system: notifying a queue rewrites one byte
/// of <c>&lt;file&gt;-notify/&lt;root&gt;</c>, and a subscriber watches that directory (inotify on Linux), so an idle
/// worker on the same machine hears of an enqueue within milliseconds without polling. A directory of its own keeps
/// the watchers away from the constant writes to the database and its WAL. The job store (regular queues) and the
/// embedded broker (raw queues) of one file share it; their queue names never share a root.
/// </summary>
internal sealed class FileWakeups(string databasePath)
{
    private static readonly byte[] s_touch = [1];
    private readonly string _directory = Path.GetFullPath(databasePath) + "-notify";

    /// <summary>
    /// Touches the root's file. Only subscribers create the directory, so while no worker ever subscribed this costs
    /// one failed open; best effort, like every wake-up (a failure only leaves the workers to their poll).
    /// </summary>
    public void Notify(string queue)
    {
        try
        {
            File.WriteAllBytes(Path.Combine(_directory, FileName(queue)), s_touch);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No subscriber yet (no directory), or a file system that refuses: the poll finds the job.
        }
    }

    public IQueueWakeups Subscribe(IReadOnlyList<string> queues)
    {
        Directory.CreateDirectory(_directory);
        var names = queues.Select(FileName).ToHashSet(StringComparer.Ordinal);
        var watcher = new FileSystemWatcher(_directory)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
            IncludeSubdirectories = false,
        };
        var signal = new WakeupSignal(() =>
        {
            watcher.Dispose();
            return ValueTask.CompletedTask;
        });
        void OnEvent(object sender, FileSystemEventArgs e)
        {
            if (e.Name is { } name && names.Contains(name))
            {
                signal.Set();
            }
        }

        watcher.Changed += OnEvent;
        watcher.Created += OnEvent;
        watcher.EnableRaisingEvents = true;
        return signal;
    }

    /// <summary>The root of the queue, escaped into a file name.</summary>
    private static string FileName(string queue) => Uri.EscapeDataString(PausedQueues.Root(queue));
}
