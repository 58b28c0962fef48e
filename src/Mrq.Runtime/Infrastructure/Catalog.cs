using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Mrq.Infrastructure;

/// <summary>
/// A process-wide table from name to descriptor, filled by generated module initializers and read lock-free by
/// workers. Registration is rare (once per assembly), lookups are per job.
/// </summary>
internal sealed class Catalog<T>(Func<T, string> keyOf)
    where T : class
{
    private readonly Lock _gate = new();
    private FrozenDictionary<string, T> _items = FrozenDictionary<string, T>.Empty;

    public IReadOnlyCollection<T> All => Volatile.Read(ref _items).Values;

    public void Register(ReadOnlySpan<T> items)
    {
        lock (_gate)
        {
            var next = new Dictionary<string, T>(_items, StringComparer.Ordinal);
            foreach (var item in items)
            {
                next[keyOf(item)] = item;
            }

            // Readers take the field without the lock: publish a fully built table in one write.
            Volatile.Write(ref _items, next.ToFrozenDictionary(StringComparer.Ordinal));
        }
    }

    public bool TryFind(string key, [NotNullWhen(true)] out T? item) => Volatile.Read(ref _items).TryGetValue(key, out item);
}
