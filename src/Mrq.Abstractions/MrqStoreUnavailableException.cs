namespace Mrq;

/// <summary>
/// A store or broker Mrq needs cannot be used right now: a Redis or MongoDB server that does not answer within
/// <c>connect_timeout</c>, or an embedded store file that is not a database, is read-only, or sits on a full disk.
/// Enqueue and other client calls throw it instead of hanging; workers log it once, back off and retry until the
/// server returns; commands print its message on one line and exit 1.
/// </summary>
public sealed class MrqStoreUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="store"/> (a URI with its password masked, or a file path).</summary>
    public MrqStoreUnavailableException(string store, string message, Exception? cause = null)
        : base(message, cause)
    {
        Store = store;
    }

    /// <summary>The store that failed: a Redis or MongoDB URI (password masked) or the embedded store's file path.</summary>
    public string Store { get; }
}
