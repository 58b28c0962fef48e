namespace Mrq.Infrastructure;

/// <summary>
/// A connection opened on first use and kept once it opened. Unlike <see cref="Lazy{T}"/>, a failed open is not kept:
/// a client created while its store or Redis was away must work once the server is back, not throw the first error
/// for the rest of the process's life.
/// </summary>
internal sealed class OpenOnce<T>(Func<T> open)
    where T : class
{
    private readonly Lock _lock = new();
    private T? _value;

    /// <summary>Whether an open has succeeded.</summary>
    public bool IsOpen => Volatile.Read(ref _value) is not null;

    /// <summary>The opened value; opens it (one caller at a time) when no open has succeeded yet, throwing its error.</summary>
    public T Value => Volatile.Read(ref _value) ?? Open();

    private T Open()
    {
        lock (_lock)
        {
            if (_value is null)
            {
                Volatile.Write(ref _value, open());
            }

            return _value;
        }
    }
}
