using System.Diagnostics.CodeAnalysis;
using MongoDB.Driver;
using Mrq.Configuration;

namespace Mrq.MongoDB;

/// <summary>
/// MongoDB connection strings as MRQ's <c>--mongodb_jobs</c> / <c>--mongodb_logs</c> take them:
/// <c>mongodb://[user:password@]host[:port][,host2[:port]…][/database][?options]</c> or <c>mongodb+srv://…</c>. The
/// database is the URI's path, <c>mrq</c> when it has none. Parsing is the driver's own (no network access, SRV records
/// are resolved when connecting); errors never show the password.
/// </summary>
internal static class MongoUri
{
    /// <summary>What a valid value looks like, for error messages.</summary>
    public const string Expected =
        "a MongoDB URI: mongodb://[user:password@]host[:port][,host2…][/database][?options] or mongodb+srv://…";

    private const string Masked = "****";

    /// <summary>Parses <paramref name="uri"/>, or returns false with the reason (password masked) in <paramref name="error"/>.</summary>
    public static bool TryParse(string? uri, [NotNullWhen(true)] out MongoUrl? url, [NotNullWhen(false)] out string? error)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(uri))
        {
            error = "the URI is empty";
            return false;
        }

        uri = uri.Trim();
        if (!uri.StartsWith("mongodb://", StringComparison.OrdinalIgnoreCase) && !uri.StartsWith("mongodb+srv://", StringComparison.OrdinalIgnoreCase))
        {
            error = "the scheme must be mongodb:// or mongodb+srv://";
            return false;
        }

        try
        {
            url = new MongoUrl(uri);
        }
        catch (Exception e) when (e is MongoConfigurationException or ArgumentException or FormatException or InvalidOperationException)
        {
            error = HidePassword(uri, e.Message.TrimEnd('.'));
            return false;
        }

        if (url.Servers is null || !url.Servers.Any())
        {
            url = null;
            error = "the host is missing";
            return false;
        }

        if (url.DatabaseName is { } database && !IsValidDatabaseName(database, out var why))
        {
            url = null;
            error = $"the database name '{database}' {why}";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Parses the value of the setting <paramref name="key"/>; throws <see cref="MrqConfigurationException"/> naming the
    /// key, its flag and environment variable, and the URI with its password masked.
    /// </summary>
    public static MongoUrl Parse(string key, string uri)
    {
        if (!TryParse(uri, out var url, out var error))
        {
            throw Invalid(key, uri, error);
        }

        return url;
    }

    /// <summary>
    /// Checks a setting's value when settings load (the config key's setter): returns it when valid, otherwise throws
    /// <see cref="MrqConfigurationException"/> naming the key with the password masked, which stops the program.
    /// </summary>
    public static string Validate(string key, string uri)
    {
        Parse(key, uri);
        return uri;
    }

    /// <summary>The error for a bad value of <paramref name="key"/>, naming where it can be set, with the password masked.</summary>
    public static MrqConfigurationException Invalid(string key, string? value, string reason) =>
        new($"{key} (--{key}, MRQ_{key.ToUpperInvariant()}): {reason}; expected {Expected}, got \"{Mask(value ?? "")}\".");

    /// <summary>The database a URI names, or <see cref="MongoFields.DefaultDatabase"/>.</summary>
    public static string DatabaseName(MongoUrl url) => string.IsNullOrEmpty(url.DatabaseName) ? MongoFields.DefaultDatabase : url.DatabaseName;

    /// <summary>
    /// <paramref name="uri"/> with its password replaced by <c>****</c>: everything between the first <c>:</c> after the
    /// scheme and the last <c>@</c> (so a password holding unescaped <c>@</c>, <c>/</c> or <c>:</c> is still hidden;
    /// when in doubt more is masked, never less), and the value of any query option whose name contains "password".
    /// </summary>
    public static string Mask(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        var start = schemeEnd < 0 ? 0 : schemeEnd + 3;
        var at = uri.LastIndexOf('@');
        var masked = uri;
        if (at > start)
        {
            var colon = uri.IndexOf(':', start, at - start);
            if (colon >= 0)
            {
                masked = string.Concat(uri.AsSpan(0, colon + 1), Masked, uri.AsSpan(at));
            }
        }

        var query = masked.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return masked;
        }

        var options = masked[(query + 1)..].Split('&');
        for (var i = 0; i < options.Length; i++)
        {
            var equals = options[i].IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && options[i].AsSpan(0, equals).Contains("password", StringComparison.OrdinalIgnoreCase))
            {
                options[i] = string.Concat(options[i].AsSpan(0, equals + 1), Masked);
            }
        }

        return string.Concat(masked.AsSpan(0, query + 1), string.Join('&', options));
    }

    /// <summary>MongoDB's rules for database names (Linux and Windows servers alike).</summary>
    public static bool IsValidDatabaseName(string name, [NotNullWhen(false)] out string? why)
    {
        if (name.Length == 0)
        {
            why = "is empty";
            return false;
        }

        if (name.Length > 63)
        {
            why = "is longer than 63 characters";
            return false;
        }

        foreach (var c in name)
        {
            if (c is '/' or '\\' or '.' or ' ' or '"' or '$' or '*' or '<' or '>' or ':' or '|' or '?' or '\0')
            {
                why = $"contains '{c}', which MongoDB database names cannot hold";
                return false;
            }
        }

        why = null;
        return true;
    }

    // Driver messages already hide credentials; this also removes the password text itself, whatever the message says.
    private static string HidePassword(string uri, string message)
    {
        message = message.Replace(uri, Mask(uri), StringComparison.Ordinal);
        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal) + 3;
        var at = uri.LastIndexOf('@');
        if (at > schemeEnd)
        {
            var colon = uri.IndexOf(':', schemeEnd, at - schemeEnd);
            if (colon >= 0 && at - colon - 1 > 0)
            {
                var password = uri.Substring(colon + 1, at - colon - 1);
                message = message.Replace(password, Masked, StringComparison.Ordinal);
            }
        }

        return message;
    }
}

/// <summary>Where job logs go: MRQ's <c>--mongodb_logs</c> (<c>"1"</c> = the jobs database, <c>"0"</c> = nowhere, or a URI).</summary>
internal sealed record MongoLogsSetting
{
    private MongoLogsSetting(MongoLogsMode mode, MongoUrl? url)
    {
        Mode = mode;
        Url = url;
    }

    /// <summary>Logs are kept in the jobs database (MRQ's default, <c>"1"</c>).</summary>
    public static MongoLogsSetting SameAsJobs { get; } = new(MongoLogsMode.SameAsJobs, null);

    /// <summary>Logs are not stored (<c>"0"</c>).</summary>
    public static MongoLogsSetting Disabled { get; } = new(MongoLogsMode.Disabled, null);

    /// <summary>How logs are stored.</summary>
    public MongoLogsMode Mode { get; }

    /// <summary>The separate logs database's URI (<see cref="MongoLogsMode.Separate"/> only).</summary>
    public MongoUrl? Url { get; }

    /// <summary>Logs in their own database, possibly on another server (MRQ's bug §9.5: it stored nothing then).</summary>
    public static MongoLogsSetting Separate(MongoUrl url) => new(MongoLogsMode.Separate, url ?? throw new ArgumentNullException(nameof(url)));

    /// <summary>Parses a <c>mongodb_logs</c> value; throws <see cref="MrqConfigurationException"/> (password masked) when it is not valid.</summary>
    public static MongoLogsSetting Parse(string value)
    {
        if (TryParse(value, out var setting, out var error))
        {
            return setting;
        }

        throw MongoUri.Invalid(ConfigKeyName, value, error + " (or \"1\" for the jobs database, \"0\" to store no logs)");
    }

    /// <summary>Checks a <c>mongodb_logs</c> value when settings load: returns it, or throws <see cref="MrqConfigurationException"/>.</summary>
    public static string Validate(string value)
    {
        Parse(value);
        return value;
    }

    /// <summary>Parses a <c>mongodb_logs</c> value.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out MongoLogsSetting? setting, [NotNullWhen(false)] out string? error)
    {
        switch (value?.Trim())
        {
            case "1":
                setting = SameAsJobs;
                error = null;
                return true;
            case "0":
                setting = Disabled;
                error = null;
                return true;
        }

        if (MongoUri.TryParse(value, out var url, out error))
        {
            setting = Separate(url);
            return true;
        }

        setting = null;
        return false;
    }

    /// <summary>The setting's name.</summary>
    public const string ConfigKeyName = "mongodb_logs";

    /// <inheritdoc/>
    public override string ToString() => Mode switch
    {
        MongoLogsMode.SameAsJobs => "1",
        MongoLogsMode.Disabled => "0",
        _ => MongoUri.Mask(Url!.ToString()),
    };
}

/// <summary>How job logs are stored.</summary>
internal enum MongoLogsMode
{
    /// <summary>In <c>mrq_logs</c> of the jobs database.</summary>
    SameAsJobs,

    /// <summary>Not stored.</summary>
    Disabled,

    /// <summary>In <c>mrq_logs</c> of another database (another client when it is another server).</summary>
    Separate,
}
