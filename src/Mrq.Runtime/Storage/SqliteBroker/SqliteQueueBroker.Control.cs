using Microsoft.Data.Sqlite;

namespace Mrq.Storage.SqliteBroker;

/// <summary>Queue control: concurrency slots, paused queues and wake-ups.</summary>
internal sealed partial class SqliteQueueBroker
{
    /// <inheritdoc />
    public ValueTask<bool> TryAcquireSlotAsync(string name, string holder, int limit, DateTime now, DateTime expires, CancellationToken cancellationToken = default) =>
        _writes.RunAsync(
            (Broker: this, Name: name, Holder: holder, Limit: limit, Now: UnixSeconds(now), Expires: UnixSeconds(expires)),
            static a =>
            {
                // OR IGNORE: a holder that acquires again keeps its one slot (and gets true), as on Redis.
                using var command = a.Broker.Command(
                    "DELETE FROM concurrency_slots WHERE name = $n AND expires <= $now; " +
                    "INSERT OR IGNORE INTO concurrency_slots (name, holder, expires) SELECT $n, $h, $e " +
                    "WHERE (SELECT COUNT(*) FROM concurrency_slots WHERE name = $n) < $limit;",
                    "$n", "$now", "$h", "$e", "$limit");
                command.Parameters[0].Value = a.Name;
                command.Parameters[1].Value = a.Now;
                command.Parameters[2].Value = a.Holder;
                command.Parameters[3].Value = a.Expires;
                command.Parameters[4].Value = a.Limit;
                command.ExecuteNonQuery();
                using var check = a.Broker.Command("SELECT COUNT(*) FROM concurrency_slots WHERE name = $n AND holder = $h;", "$n", "$h");
                check.Parameters[0].Value = a.Name;
                check.Parameters[1].Value = a.Holder;
                return (long)check.ExecuteScalar()! == 1;
            },
            null,
            cancellationToken);

    /// <inheritdoc />
    public ValueTask ReleaseSlotAsync(string name, string holder, CancellationToken cancellationToken = default) =>
        _writes.RunAsync(
            (Broker: this, Name: name, Holder: holder),
            static a =>
            {
                using var command = a.Broker.Command("DELETE FROM concurrency_slots WHERE name = $n AND holder = $h;", "$n", "$h");
                command.Parameters[0].Value = a.Name;
                command.Parameters[1].Value = a.Holder;
                command.ExecuteNonQuery();
            },
            null,
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// One write transaction: expired windows go (the table holds one row per key and live window, so the scan is
    /// short), then the upsert adds the calls and returns the count.
    /// </remarks>
    public ValueTask<long> CountCallsAsync(string key, long calls, TimeSpan per, DateTime now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var window = RateWindow.Number(now, per);
        return _writes.RunAsync(
            (Broker: this, Counter: RateWindow.CounterName(key, window), Calls: calls, Now: UnixSeconds(now), Expires: UnixSeconds(RateWindow.ExpiresAt(window, per))),
            static a =>
            {
                using var command = a.Broker.Command(
                    "DELETE FROM rate_limits WHERE expires <= $now; " +
                    "INSERT INTO rate_limits (counter, count, expires) VALUES ($c, $n, $e) " +
                    "ON CONFLICT (counter) DO UPDATE SET count = count + $n RETURNING count;",
                    "$now", "$c", "$e", "$n");
                command.Parameters[0].Value = a.Now;
                command.Parameters[1].Value = a.Counter;
                command.Parameters[2].Value = a.Expires;
                command.Parameters[3].Value = a.Calls;
                return (long)command.ExecuteScalar()!;
            },
            null,
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long> GetCountAsync(string key, TimeSpan per, DateTime now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ReadAsync(
            (Counter: RateWindow.CounterName(key, RateWindow.Number(now, per)), Now: UnixSeconds(now)),
            static (broker, a) =>
            {
                using var command = broker.Command("SELECT count FROM rate_limits WHERE counter = $c AND expires > $now;", "$c", "$now");
                command.Parameters[0].Value = a.Counter;
                command.Parameters[1].Value = a.Now;
                return command.ExecuteScalar() is long count ? count : 0L;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask PauseQueueAsync(string queue, CancellationToken cancellationToken = default) =>
        ExecuteAsync("INSERT INTO paused_queues(queue) VALUES ($q) ON CONFLICT DO NOTHING;", PausedQueues.Member(queue), cancellationToken);

    /// <inheritdoc />
    public ValueTask ResumeQueueAsync(string queue, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM paused_queues WHERE queue = $q;", PausedQueues.Member(queue), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetPausedQueuesAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(
            0,
            static (broker, _) =>
            {
                using var command = broker.Command("SELECT queue FROM paused_queues ORDER BY queue;");
                return ReadNames(command);
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>Through the file system (<see cref="FileWakeups"/>): reaches the workers on this machine only.</remarks>
    public ValueTask NotifyAsync(string queue, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _wakeups.Notify(queue);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IQueueWakeups> SubscribeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_wakeups.Subscribe(queues));
    }
}
