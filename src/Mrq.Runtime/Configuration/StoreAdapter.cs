using System.Diagnostics.CodeAnalysis;

namespace Mrq.Configuration;

/// <summary>
/// What every adapter package tells Mrq about the URIs it connects to: their schemes, how to check one when settings
/// load (so a bad value stops the program naming its key) and how to show one without its password. Derive from
/// <see cref="JobStoreAdapter"/> or <see cref="QueueBrokerAdapter"/>, not from this class.
/// </summary>
public abstract class StoreAdapter
{

    /// <summary>The package that holds the adapter, named in errors.</summary>
    public abstract string PackageId { get; }

    /// <summary>The URI schemes handled, lower case, without <c>://</c> (<c>redis</c>, <c>rediss</c>).</summary>
    public abstract IReadOnlyList<string> Schemes { get; }

    /// <summary>What a valid URI looks like, for error messages.</summary>
    public abstract string Expected { get; }

    /// <summary>Checks <paramref name="uri"/> without connecting; false with the reason (no password in it).</summary>
    public abstract bool TryValidate(string uri, [NotNullWhen(false)] out string? error);

    /// <summary><paramref name="uri"/> with its passwords hidden, for errors and logs.</summary>
    public abstract string Mask(string uri);
}
