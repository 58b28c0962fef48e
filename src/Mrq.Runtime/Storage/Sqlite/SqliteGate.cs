namespace Mrq.Storage.Sqlite;

/// <summary>
/// The in-process gate of one SQLite connection: a connection runs one call at a time, so every call on it enters this
/// gate first, and closing waits for the call in flight.
/// </summary>
/// <remarks>
/// Entering takes the free gate synchronously (no await, no allocation: the worker's claim-and-complete path enters it
/// once per batch). A call that got the gate after <see cref="CloseAsync"/> released it throws
/// <see cref="ObjectDisposedException"/> instead of touching the closed connection.
/// </remarks>
internal sealed class SqliteGate
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private readonly string _ownerName;
    private int _closed;

    /// <param name="ownerName">Named by <see cref="ObjectDisposedException"/> once closed (the store's or broker's type name).</param>
    public SqliteGate(string ownerName) => _ownerName = ownerName;

    /// <summary>Whether <see cref="CloseAsync"/> has started.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Waits for the gate; the caller runs its statements, then calls <see cref="Exit"/> in a <c>finally</c>.</summary>
    public ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        if (IsClosed)
        {
            throw new ObjectDisposedException(_ownerName);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (_semaphore.Wait(0))
        {
            return CheckEntered();
        }

        return WaitAsync(cancellationToken);

        async ValueTask WaitAsync(CancellationToken cancellationToken)
        {
            await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
            await CheckEntered().ConfigureAwait(false);
        }
    }

    /// <summary>Leaves the gate entered by <see cref="EnterAsync"/>.</summary>
    public void Exit() => _semaphore.Release();

    /// <summary>
    /// Refuses new calls, waits for the one in flight, then runs <paramref name="close"/> (which disposes the
    /// connection's statements and the connection). Returns false, without running it, when already closing.
    /// </summary>
    public async ValueTask<bool> CloseAsync(Action close)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return false;
        }

        await _semaphore.WaitAsync().ConfigureAwait(false);
        try
        {
            close();
            return true;
        }
        finally
        {
            // Callers queued on the gate wake up, see it closed and throw.
            _semaphore.Release();
        }
    }

    private ValueTask CheckEntered()
    {
        if (IsClosed)
        {
            _semaphore.Release();
            return ValueTask.FromException(new ObjectDisposedException(_ownerName));
        }

        return default;
    }
}
