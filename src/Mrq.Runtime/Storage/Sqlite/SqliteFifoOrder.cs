namespace Mrq.Storage.Sqlite;

/// <summary>FIFO order of claimed jobs: datequeued, then id (the claim query's ORDER BY).</summary>
internal sealed class SqliteFifoOrder : IComparer<ClaimedJob>
{
    public static readonly SqliteFifoOrder Instance = new(reversed: false);

    /// <summary>Newest first (LIFO claims).</summary>
    public static readonly SqliteFifoOrder Reversed = new(reversed: true);

    private readonly bool _reversed;

    private SqliteFifoOrder(bool reversed) => _reversed = reversed;

    public int Compare(ClaimedJob? x, ClaimedJob? y) => _reversed ? CompareFifo(y, x) : CompareFifo(x, y);

    private static int CompareFifo(ClaimedJob? x, ClaimedJob? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var c = x.DateQueued.CompareTo(y.DateQueued);
        return c != 0 ? c : x.Id.CompareTo(y.Id);
    }
}
