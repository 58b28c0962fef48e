using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>
/// The outcomes the worker loop carries into its next store call. A queue source that writes them in the same call as
/// its claim (one transaction on SQLite) calls <see cref="MarkWritten"/>; whatever is still here after the loop's pass
/// is written on its own. Used by the worker loop only, never concurrently.
/// </summary>
internal sealed class OutcomeBatch(Action<int> written)
{
    private JobOutcome[] _items = new JobOutcome[64];
    private int _count;

    /// <summary>The outcomes to write.</summary>
    public ReadOnlyMemory<JobOutcome> Items => _items.AsMemory(0, _count);

    public int Count => _count;

    public void Add(in JobOutcome outcome)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[_count++] = outcome;
    }

    /// <summary>Records that <see cref="Items"/> are in the store, and empties the batch.</summary>
    public void MarkWritten()
    {
        var count = _count;
        if (count == 0)
        {
            return;
        }

        // Results and documents must not stay reachable from the reused array.
        Array.Clear(_items, 0, count);
        _count = 0;
        written(count);
    }
}
