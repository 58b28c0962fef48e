using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>Turns SQLite's failures to open or write the embedded store's file into one-line reasons.</summary>
internal static class SqliteFaults
{
    /// <summary>Whether <paramref name="e"/> says the file cannot be used (as opposed to a bug or bad input).</summary>
    public static bool IsUnusable(Exception e) => e switch
    {
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) is 5 or 6 or 8 or 10 or 11 or 13 or 14 or 26,
        IOException or UnauthorizedAccessException => true,
        _ => false,
    };

    /// <summary>The exception naming <paramref name="path"/> and why it cannot be used.</summary>
    public static MrqStoreUnavailableException Unusable(string path, Exception e) =>
        new(path, $"The embedded store {path} is unusable: {Reason(e)}", e);

    private static string Reason(Exception e) => e switch
    {
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) switch
        {
            5 or 6 => "the file is locked by another process (SQLite busy)",
            8 => "the file or its folder is read-only",
            10 => "disk I/O error",
            11 => "the database file is corrupt",
            13 => "the disk is full",
            14 => "the file cannot be opened (no permission, or a read-only folder: SQLite creates -wal and -shm files next to it)",
            26 => "the file is not a SQLite database",
            _ => sqlite.Message,
        },
        _ => e.Message,
    };
}
