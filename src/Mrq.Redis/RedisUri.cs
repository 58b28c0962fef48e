using System.Globalization;
using StackExchange.Redis;

namespace Mrq.Redis;

/// <summary>
/// Parses MRQ-style Redis URIs (<c>--redis</c>, redis-py <c>from_url</c> subset) into StackExchange.Redis options:
/// <c>redis://[[user]:password@]host[:port][/db]</c>, or <c>rediss://…</c> for TLS. Port defaults to 6379, db to 0;
/// the password may be percent-encoded. Query strings, fragments and <c>unix://</c> sockets are rejected.
/// </summary>
internal static class RedisUri
{
    /// <summary>The port used when the URI names none.</summary>
    public const int DefaultPort = 6379;

    private const string Expected = "expected redis://[[user]:password@]host[:port][/db] or rediss://... for TLS";

    /// <summary>Parses <paramref name="uri"/>; throws <see cref="ArgumentException"/> naming the URI (password masked) when it is not valid.</summary>
    public static ConfigurationOptions Parse(string uri)
    {
        if (!TryParse(uri, out var options, out var error))
        {
            throw new ArgumentException($"Invalid Redis URI '{Mask(uri)}': {error}; {Expected}.", nameof(uri));
        }

        return options;
    }

    /// <summary>Parses <paramref name="uri"/>, or returns false with the reason in <paramref name="error"/>.</summary>
    public static bool TryParse(
        string? uri,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConfigurationOptions? options,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        options = null;
        if (string.IsNullOrWhiteSpace(uri))
        {
            error = "the URI is empty";
            return false;
        }

        bool tls;
        if (uri.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            tls = false;
        }
        else if (uri.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            tls = true;
        }
        else
        {
            error = "the scheme must be redis:// or rediss://";
            return false;
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            error = "it is not a well-formed URI";
            return false;
        }

        if (parsed.Query.Length > 0 || parsed.Fragment.Length > 0)
        {
            error = "query strings and fragments are not supported";
            return false;
        }

        var host = parsed.Host;
        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }

        if (host.Length == 0)
        {
            error = "the host is missing";
            return false;
        }

        var port = parsed.IsDefaultPort || parsed.Port < 0 ? DefaultPort : parsed.Port;
        if (port is 0 or > 65535)
        {
            error = "the port must be between 1 and 65535";
            return false;
        }

        var database = 0;
        var path = parsed.AbsolutePath;
        if (path.Length > 1)
        {
            var db = path.AsSpan(1);
            if (db.Length > 0 && db[^1] == '/')
            {
                db = db[..^1];
            }

            if (!int.TryParse(db, NumberStyles.None, CultureInfo.InvariantCulture, out database))
            {
                error = $"the database '{path[1..]}' must be a non-negative integer";
                return false;
            }
        }

        string? user = null;
        string? password = null;
        var userInfo = parsed.UserInfo;
        if (userInfo.Length > 0)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                user = Uri.UnescapeDataString(userInfo);
            }
            else
            {
                if (colon > 0)
                {
                    user = Uri.UnescapeDataString(userInfo[..colon]);
                }

                password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }

        options = new ConfigurationOptions
        {
            DefaultDatabase = database,
            AbortOnConnectFail = false,
            Ssl = tls,
        };
        options.EndPoints.Add(host, port);
        if (tls)
        {
            options.SslHost = host;
        }

        if (!string.IsNullOrEmpty(user))
        {
            options.User = user;
        }

        if (!string.IsNullOrEmpty(password))
        {
            options.Password = password;
        }

        error = null;
        return true;
    }

    /// <summary>The URI with any password replaced by <c>***</c>, for error messages and logs.</summary>
    public static string Mask(string? uri)
    {
        if (uri is null)
        {
            return "(null)";
        }

        var start = uri.IndexOf("://", StringComparison.Ordinal);
        start = start < 0 ? 0 : start + 3;
        var end = uri.IndexOf('/', start);
        if (end < 0)
        {
            end = uri.Length;
        }

        var at = uri.LastIndexOf('@', end - 1, end - start);
        if (at < 0)
        {
            return uri;
        }

        var colon = uri.IndexOf(':', start, at - start);
        return colon < 0 ? uri : string.Concat(uri.AsSpan(0, colon + 1), "***", uri.AsSpan(at));
    }
}
