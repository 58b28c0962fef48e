using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// Every write transaction of the embedded file, job store and raw-queue broker alike: the connection's
/// <see cref="SqliteGate"/>, <c>BEGIN IMMEDIATE</c> … <c>COMMIT</c>, a rollback (and the caller's undo) when anything
/// throws, commit included, and SQLite's faults turned into one line naming the file (<see cref="SqliteFaults"/>).
/// </summary>
/// <remarks>
/// <para>
/// <c>BEGIN IMMEDIATE</c> takes the file's write lock before anything is read, so a transaction can never fail to
/// upgrade a stale read snapshot under WAL, and waiting for the lock is retried (<see cref="SqliteStatement"/>, up to
/// <see cref="SqliteSchema.CommandTimeoutSeconds"/>) rather than reported. Between processes SQLite's single write lock
/// is what makes a claim or a raw dequeue exclusive; within a process the gate serializes the one connection.
/// </para>
/// <para>
/// The body is a static lambda over a state value (a tuple), so a transaction allocates nothing of its own, and entering
/// a free gate does not await: the worker's claim-and-complete path runs through here once per batch.
/// </para>
/// </remarks>
internal sealed class SqliteWriteTransactions
{
    private readonly SqliteConnection _connection;
    private readonly string _filePath;
    private readonly SqliteStatement _begin;
    private readonly SqliteStatement _commit;

    private readonly SqliteCheckpointer? _checkpointer;

    /// <summary>
    /// Prepares the transaction statements on <paramref name="connection"/>, the writer of the file at
    /// <paramref name="filePath"/>; each commit is reported to <paramref name="checkpointer"/>, when there is one.
    /// </summary>
    public SqliteWriteTransactions(SqliteConnection connection, string filePath, SqliteGate gate, SqliteCheckpointer? checkpointer = null)
    {
        _connection = connection;
        _filePath = filePath;
        _checkpointer = checkpointer;
        Gate = gate;
        _begin = new SqliteStatement(connection, "BEGIN IMMEDIATE;");
        try
        {
            _commit = new SqliteStatement(connection, "COMMIT;");
        }
        catch
        {
            _begin.Dispose();
            throw;
        }
    }

    /// <summary>The gate of the writer connection, which reads on that connection enter too.</summary>
    public SqliteGate Gate { get; }

    /// <summary>
    /// Runs <paramref name="body"/> in one write transaction under the gate. When anything throws, commit included, the
    /// transaction is rolled back and <paramref name="undo"/> runs: it removes what the body handed to the caller (the
    /// jobs or items a claim appended to a list), so no caller ever holds a claim that did not commit.
    /// </summary>
    public async ValueTask<TResult> RunAsync<TState, TResult>(TState state, Func<TState, TResult> body, Action<TState>? undo, CancellationToken cancellationToken)
    {
        await Gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _begin.ExecuteTakingWriteLock();
            try
            {
                var result = body(state);
                _commit.Execute();
                _checkpointer?.Committed();
                return result;
            }
            catch
            {
                undo?.Invoke(state);
                SqliteSchema.TryRollback(_connection);
                throw;
            }
        }
        catch (Exception e) when (SqliteFaults.IsUnusable(e))
        {
            // A read-only file, a full disk, a lock held past the command timeout: one line naming the file.
            throw SqliteFaults.Unusable(_filePath, e);
        }
        finally
        {
            Gate.Exit();
        }
    }

    /// <inheritdoc cref="RunAsync{TState, TResult}"/>
    public ValueTask RunAsync<TState>(TState state, Action<TState> body, Action<TState>? undo, CancellationToken cancellationToken)
    {
        var written = RunAsync(
            (State: state, Body: body, Undo: undo),
            static s =>
            {
                s.Body(s.State);
                return true;
            },
            static s => s.Undo?.Invoke(s.State),
            cancellationToken);
        return written.IsCompletedSuccessfully ? default : new ValueTask(written.AsTask());
    }

    /// <summary>Finalizes the transaction statements (while the gate is held for closing, before the connection closes).</summary>
    public void DisposeStatements()
    {
        _begin.Dispose();
        _commit.Dispose();
    }
}
