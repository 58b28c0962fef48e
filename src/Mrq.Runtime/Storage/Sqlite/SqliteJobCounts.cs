using Microsoft.Data.Sqlite;

namespace Mrq.Storage.Sqlite;

/// <summary>
/// Keeps <c>mrq_job_counts</c> (jobs per queue, path, raw queue and status; <see cref="SqliteSchema"/> version 8) in
/// step with <c>mrq_jobs</c>. The writer's statements report each job they add, remove or move here; the changes are
/// summed in memory per combination and written by <see cref="Flush"/> just before the transaction commits, so a batch
/// of 50 claims or completions of one task in one queue costs two upserts, not 100 (an index or a trigger would cost
/// every job).
/// </summary>
/// <remarks>Used only on the writer connection, under the store's write gate.</remarks>
internal sealed class SqliteJobCounts : IDisposable
{
    private const string UpsertSql =
        "INSERT INTO mrq_job_counts (queue, path, raw_queue, status, count) VALUES (?1, ?2, ?3, ?4, ?5) " +
        "ON CONFLICT (queue, path, raw_queue, status) DO UPDATE SET count = count + excluded.count;";

    private const string KeyOfSql = "SELECT queue, path, raw_queue, status FROM mrq_jobs WHERE id = ?1;";

    /// <summary>How many claimed jobs <see cref="RememberStarted"/> keeps before it starts over (jobs never completed here).</summary>
    private const int MaxRemembered = 100_000;

    private const int HotSlots = 8;

    private readonly Dictionary<Key, long> _pending = [];

    // The few combinations a batch touches (one queue, one task, three statuses) summed by reference comparison of
    // their strings, which the claim reuses from job to job: hashing four strings per job into _pending cost the regular
    // queue about a fifth of its drain rate. Other combinations, or equal strings from other instances, go to _pending.
    private readonly Key[] _hotKeys = new Key[HotSlots];
    private readonly long[] _hotDeltas = new long[HotSlots];
    private int _hotCount;

    // The combination and rowid of each job this store claimed and has not completed yet: a plain success then needs no
    // read (a RETURNING clause costs SQLite an ephemeral table per execution, measured at several µs per job) and finds
    // its row by rowid instead of through the id's index.
    private readonly Dictionary<JobId, (Key Key, long Row)> _started = [];
    private readonly SqliteStatement _upsert;
    private readonly SqliteStatement _keyOf;

    // The texts last read from rows (queue and path names repeat from job to job): a hit returns the string already made.
    private readonly (byte[] Utf8, string Text)[] _recent = new (byte[], string)[8];
    private int _nextRecent;

    public SqliteJobCounts(SqliteConnection writer)
    {
        _upsert = new SqliteStatement(writer, UpsertSql);
        try
        {
            _keyOf = new SqliteStatement(writer, KeyOfSql);
        }
        catch
        {
            _upsert.Dispose();
            throw;
        }
    }

    /// <summary>Adds <paramref name="delta"/> jobs to a combination (negative: removes them).</summary>
    public void Add(string queue, string path, string? rawQueue, string status, long delta)
    {
        Add(new Key(queue, path, rawQueue ?? "", status), delta);
    }

    /// <inheritdoc cref="Add(string, string, string?, string, long)"/>
    public void Add(in Key key, long delta)
    {
        for (var i = 0; i < _hotCount; i++)
        {
            if (_hotKeys[i].SameInstances(key))
            {
                _hotDeltas[i] += delta;
                return;
            }
        }

        if (_hotCount < HotSlots)
        {
            _hotKeys[_hotCount] = key;
            _hotDeltas[_hotCount] = delta;
            _hotCount++;
            return;
        }

        ref var pending = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_pending, key, out _);
        pending += delta;
    }

    /// <summary>
    /// Remembers the combination of a job this store's claim just started, and its rowid (0 when not known).
    /// </summary>
    public void RememberStarted(JobId id, in Key key, long row)
    {
        if (_started.Count >= MaxRemembered)
        {
            _started.Clear();
        }

        _started[id] = (key, row);
    }

    /// <summary>
    /// The combination and rowid (0 when not known) of a job this store claimed, forgotten as they are returned; false
    /// when the job is not remembered.
    /// </summary>
    public bool TryTakeStarted(JobId id, out Key key, out long row)
    {
        if (_started.Remove(id, out var started))
        {
            (key, row) = started;
            return true;
        }

        key = default;
        row = 0;
        return false;
    }

    /// <summary>Forgets a claimed job whose outcome is written another way.</summary>
    public void Forget(JobId id) => _started.Remove(id);

    /// <summary>Reads the combination of the stored job <paramref name="id"/>; false when there is no such job.</summary>
    public bool TryReadKey(ReadOnlySpan<byte> id, out Key key)
    {
        _keyOf.Bind(1, id);
        if (!_keyOf.Read())
        {
            key = default;
            return false;
        }

        key = new Key(Text(_keyOf.GetBlob(0)), Text(_keyOf.GetBlob(1)), Text(_keyOf.GetBlob(2)), Text(_keyOf.GetBlob(3)));
        _keyOf.Reset();
        return true;
    }

    /// <summary>The string of a UTF-8 column value, reusing a recent one with the same bytes.</summary>
    public string Text(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }

        foreach (var (bytes, text) in _recent)
        {
            if (bytes is not null && utf8.SequenceEqual(bytes))
            {
                return text;
            }
        }

        var made = System.Text.Encoding.UTF8.GetString(utf8);
        _recent[_nextRecent] = (utf8.ToArray(), made);
        _nextRecent = (_nextRecent + 1) % _recent.Length;
        return made;
    }

    /// <summary>Writes the summed changes inside the open transaction and forgets them.</summary>
    public void Flush()
    {
        for (var i = 0; i < _hotCount; i++)
        {
            ref var pending = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_pending, _hotKeys[i], out _);
            pending += _hotDeltas[i];
            _hotKeys[i] = default;
        }

        _hotCount = 0;
        if (_pending.Count == 0)
        {
            return;
        }

        foreach (var (key, delta) in _pending)
        {
            if (delta == 0)
            {
                continue;
            }

            _upsert.Bind(1, key.Queue);
            _upsert.Bind(2, key.Path);
            _upsert.Bind(3, key.RawQueue);
            _upsert.Bind(4, key.Status);
            _upsert.Bind(5, delta);
            _upsert.Execute();
        }

        _pending.Clear();
    }

    /// <summary>Forgets the changes of a transaction that is rolled back.</summary>
    public void Discard()
    {
        Array.Clear(_hotKeys);
        _hotCount = 0;
        _pending.Clear();
    }

    public void Dispose()
    {
        _upsert.Dispose();
        _keyOf.Dispose();
    }

    /// <summary>One combination; <paramref name="RawQueue"/> is <c>""</c> for a job not made from a raw queue.</summary>
    internal readonly record struct Key(string Queue, string Path, string RawQueue, string Status)
    {
        /// <summary>The same jobs after a status change (and, for a requeue or retry elsewhere, a queue change).</summary>
        public Key With(string status, string? queue = null) => new(queue ?? Queue, Path, RawQueue, status);

        /// <summary>Equal by reference of every string: the cheap test that most of a batch's keys pass.</summary>
        public bool SameInstances(in Key other) =>
            ReferenceEquals(Queue, other.Queue) && ReferenceEquals(Path, other.Path) &&
            ReferenceEquals(RawQueue, other.RawQueue) && ReferenceEquals(Status, other.Status);
    }
}
