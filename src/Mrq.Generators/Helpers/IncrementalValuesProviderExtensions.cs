using Microsoft.CodeAnalysis;

namespace Mrq.Generators;

internal static class IncrementalValuesProviderExtensions
{
    /// <summary>Drops null values.</summary>
    public static IncrementalValuesProvider<T> WhereNotNull<T>(this IncrementalValuesProvider<T?> source)
        where T : class =>
        source.Where(static value => value is not null).Select(static (value, _) => value!);
}
