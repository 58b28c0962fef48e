namespace Mrq.Configuration;

/// <summary>
/// The adapters this process knows, by URI scheme. Adapter packages register themselves (see
/// <see cref="Infrastructure.MrqRegistrationAttribute"/>): their registration class calls <see cref="Register(JobStoreAdapter)"/>
/// or <see cref="Register(QueueBrokerAdapter)"/>. Core code never names an adapter, it only looks a URI's scheme up
/// here; a later registration for a scheme replaces an earlier one.
/// </summary>
public static class StoreAdapters
{
    // Only for the error when a scheme has no adapter: which package to add. Strings, not references.
    private static readonly Dictionary<string, string> s_knownPackages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mongodb"] = "Mrq.MongoDB",
        ["mongodb+srv"] = "Mrq.MongoDB",
        ["redis"] = "Mrq.Redis",
        ["rediss"] = "Mrq.Redis",
    };

    private static readonly Lock s_lock = new();
    private static Dictionary<string, JobStoreAdapter> s_jobStores = new(StringComparer.OrdinalIgnoreCase);
    private static Dictionary<string, QueueBrokerAdapter> s_brokers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers a job store adapter for its schemes; registering the same adapter again changes nothing.</summary>
    public static void Register(JobStoreAdapter adapter)
    {
        lock (s_lock)
        {
            s_jobStores = With(s_jobStores, adapter);
        }
    }

    /// <summary>Registers a raw-queue broker adapter for its schemes; registering the same adapter again changes nothing.</summary>
    public static void Register(QueueBrokerAdapter adapter)
    {
        lock (s_lock)
        {
            s_brokers = With(s_brokers, adapter);
        }
    }

    /// <summary>The job store adapter for <paramref name="uri"/>'s scheme, or null.</summary>
    internal static JobStoreAdapter? FindJobStore(string uri) => Scheme(uri) is { } scheme ? s_jobStores.GetValueOrDefault(scheme) : null;

    /// <summary>The broker adapter for <paramref name="uri"/>'s scheme, or null.</summary>
    internal static QueueBrokerAdapter? FindBroker(string uri) => Scheme(uri) is { } scheme ? s_brokers.GetValueOrDefault(scheme) : null;

    /// <summary>
    /// Checks the job store URI set as <paramref name="key"/> when settings load: returns it when an adapter accepts
    /// it, otherwise throws <see cref="MrqConfigurationException"/> naming the key (and the package to add when no
    /// adapter handles the scheme), with the password masked.
    /// </summary>
    internal static string ValidateJobStoreUri(string key, string uri, string alternatives = "") =>
        Validate(key, uri, FindJobStore(uri), s_jobStores.Values, alternatives);

    /// <summary>Checks the broker URI set as <paramref name="key"/> when settings load, like <see cref="ValidateJobStoreUri"/>.</summary>
    internal static string ValidateBrokerUri(string key, string uri) => Validate(key, uri, FindBroker(uri), s_brokers.Values, "");

    /// <summary><paramref name="uri"/> with its password hidden: by its adapter when one is registered, else generically.</summary>
    internal static string Mask(string uri) =>
        ((StoreAdapter?)FindJobStore(uri) ?? FindBroker(uri))?.Mask(uri) ?? MaskUserInfo(uri);

    /// <summary>The error when <paramref name="uri"/>'s scheme has no adapter of the role asked for.</summary>
    internal static MrqConfigurationException NoAdapter(string key, string uri) =>
        Invalid(key, uri, MissingAdapterReason(uri), ExpectedAny(s_jobStores.Values.Concat<StoreAdapter>(s_brokers.Values)), MaskUserInfo(uri));

    private static string Validate<TAdapter>(string key, string uri, TAdapter? adapter, IEnumerable<TAdapter> all, string alternatives)
        where TAdapter : StoreAdapter
    {
        if (adapter is null)
        {
            throw Invalid(key, uri, MissingAdapterReason(uri) + alternatives, ExpectedAny(all), MaskUserInfo(uri));
        }

        if (!adapter.TryValidate(uri.Trim(), out var error))
        {
            throw Invalid(key, uri, error + alternatives, adapter.Expected, adapter.Mask(uri));
        }

        return uri;
    }

    private static MrqConfigurationException Invalid(string key, string uri, string reason, string expected, string shown) =>
        new($"{key} (--{key}, MRQ_{key.ToUpperInvariant()}): {reason}; expected {expected}, got \"{shown}\".");

    private static string MissingAdapterReason(string uri) => Scheme(uri) switch
    {
        null => "the URI has no scheme",
        var scheme when s_knownPackages.TryGetValue(scheme, out var package) =>
            $"no adapter for {scheme}:// URIs is loaded; add the {package} package to the program (dotnet add package {package})",
        var scheme => $"no adapter handles {scheme}:// URIs",
    };

    private static string ExpectedAny<TAdapter>(IEnumerable<TAdapter> adapters)
        where TAdapter : StoreAdapter
    {
        var expected = adapters.Distinct().Select(a => a.Expected).ToList();
        return expected.Count == 0 ? "a URI of a server that an adapter package handles" : string.Join(" or ", expected);
    }

    private static string? Scheme(string uri)
    {
        var trimmed = uri.Trim();
        var end = trimmed.IndexOf("://", StringComparison.Ordinal);
        return end > 0 ? trimmed[..end].ToLowerInvariant() : null;
    }

    private static Dictionary<string, TAdapter> With<TAdapter>(Dictionary<string, TAdapter> current, TAdapter adapter)
        where TAdapter : StoreAdapter
    {
        ArgumentNullException.ThrowIfNull(adapter);

        // Copy on write: lookups read a dictionary nobody changes any more, without a lock.
        var next = new Dictionary<string, TAdapter>(current, StringComparer.OrdinalIgnoreCase);
        foreach (var scheme in adapter.Schemes)
        {
            next[scheme] = adapter;
        }

        return next;
    }

    // Everything between the first ':' after the scheme and the last '@' is hidden: a password holding an unescaped
    // '@', '/' or ':' is still masked (when in doubt more, never less).
    private static string MaskUserInfo(string uri)
    {
        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        var start = schemeEnd < 0 ? 0 : schemeEnd + 3;
        var at = uri.LastIndexOf('@');
        if (at <= start)
        {
            return uri;
        }

        var colon = uri.IndexOf(':', start, at - start);
        return colon < 0 ? uri : string.Concat(uri.AsSpan(0, colon + 1), "****", uri.AsSpan(at));
    }
}
