using Mrq.Storage.Sqlite;
using Mrq.Tests.Support;

namespace Mrq.Tests.Storage;

/// <summary>
/// The embedded store's background checkpoints (<see cref="SqliteCheckpointer"/>) on a real file: woken by a commit,
/// they copy the WAL into the database; without commits they never run.
/// </summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DbFile => _directory.File("mrq.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_commit_has_the_wal_copied_into_the_database_and_no_commit_runs_nothing()
    {
        using var writer = SqliteSchema.OpenConnection(DbFile, readOnly: false);
        SqliteSchema.Execute(writer, "PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x BLOB);");
        var emptyLength = new FileInfo(DbFile).Length;
        using var checkpointer = new SqliteCheckpointer(DbFile);

        // Pages written with the writer's own checkpoint off stay in the WAL, and nothing told the thread.
        SqliteSchema.Execute(writer, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO t SELECT randomblob(1000) FROM n;");
        await Task.Delay(1500);
        Assert.Equal(0, checkpointer.Checkpoints);
        Assert.Equal(emptyLength, new FileInfo(DbFile).Length);

        checkpointer.Committed();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (checkpointer.Checkpoints == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(checkpointer.Checkpoints > 0, "no checkpoint within 30 s of a commit");
        Assert.True(new FileInfo(DbFile).Length > emptyLength + 100_000, "the WAL's pages were not copied into the database");
    }

    [Fact]
    public void Disposing_stops_the_thread_even_while_it_gathers_commits()
    {
        using (SqliteSchema.OpenConnection(DbFile, readOnly: false))
        {
        }

        var checkpointer = new SqliteCheckpointer(DbFile);
        checkpointer.Committed();
        checkpointer.Dispose();
        checkpointer.Dispose();
    }
}
