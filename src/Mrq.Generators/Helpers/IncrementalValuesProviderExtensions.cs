namespace Mrq.Generators;

internal static class IncrementalValuesProviderExtensions
{
    /// <summary>Drops null values.</summary>
    public static IncrementalValuesProvider<T> WhereNotNull<T>(this IncrementalValuesProvider<T?> source)
        where T : class =>
        source.Where(static value => value is not null).Select(static (value, _) => value!);

    /// <summary>
    /// Drops the values <paramref name="conflicts"/> excludes. Each value is combined with the (usually empty) set of
    /// conflicts rather than split back out of a collected array, so adding or removing a value leaves the others cached.
    /// </summary>
    public static IncrementalValuesProvider<T> Except<T, TConflicts>(this IncrementalValuesProvider<T> source, IncrementalValueProvider<TConflicts> conflicts)
        where TConflicts : IConflicts<T> =>
        source.Combine(conflicts).Where(static pair => !pair.Right.Excludes(pair.Left)).Select(static (pair, _) => pair.Left);
}

/// <summary>Values that cannot be generated because another value claims the same name.</summary>
internal interface IConflicts<in T>
{
    /// <summary>Whether <paramref name="value"/> is one of the conflicting values, which are not generated.</summary>
    bool Excludes(T value);
}
