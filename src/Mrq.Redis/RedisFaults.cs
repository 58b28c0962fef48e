using System.Net.Sockets;
using StackExchange.Redis;

namespace Mrq.Redis;

/// <summary>
/// Which StackExchange.Redis failures mean "the server is away" and how to say so on one line, as the
/// <see cref="MrqStoreUnavailableException"/> callers of the broker handle (client calls, the worker's back-off).
/// </summary>
internal static class RedisFaults
{
    /// <summary>
    /// The reason a connection did not come up, for the one-line error: the client only says it timed out, so one plain
    /// TCP connect tells a refused or unroutable address from a server that accepts but does not complete the handshake.
    /// </summary>
    public static async Task<Exception> WhyNotConnectedAsync(ConfigurationOptions options)
    {
        if (options.EndPoints.FirstOrDefault() is not { } endpoint)
        {
            return new IOException("no endpoint");
        }

        using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await probe.ConnectAsync(endpoint, cancel.Token).ConfigureAwait(false);
            return new IOException("the server accepts connections but the Redis handshake did not complete (password, user, TLS or a server that is not Redis?)");
        }
        catch (SocketException e)
        {
            return e;
        }
        catch (OperationCanceledException)
        {
            return new TimeoutException("no answer");
        }
    }

    /// <summary>
    /// Connection failures, timeouts and a restarting server (<c>LOADING</c>, <c>MASTERDOWN</c>): the server is away and
    /// will answer again. Script and type errors are not outages.
    /// </summary>
    public static bool IsOutage(Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException or SocketException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal) || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal) || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>The one-line error for an outage: the masked URI and the innermost cause, without the client's diagnostics dump.</summary>
    public static MrqStoreUnavailableException Unavailable(string source, Exception e, double? connectTimeoutSeconds = null)
    {
        var cause = e;
        while (cause.InnerException is not null)
        {
            cause = cause.InnerException;
        }

        var reason = Infrastructure.OneLine.Of(cause.Message);

        // StackExchange.Redis appends its diagnostics after " - "; the first part says what happened.
        var cut = reason.IndexOf(" - ", StringComparison.Ordinal);
        if (cut > 0 && cause is RedisException or TimeoutException)
        {
            reason = reason[..cut];
        }

        return new MrqStoreUnavailableException(source, connectTimeoutSeconds is { } waited
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Redis at {source} is unreachable: {reason.TrimEnd('.')} (gave up after connect_timeout = {waited:0.###} s)")
            : $"Redis at {source} is unavailable: {reason.TrimEnd('.')}", e);
    }
}
