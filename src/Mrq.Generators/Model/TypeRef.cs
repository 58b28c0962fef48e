namespace Mrq.Generators.Model;

/// <summary>A type as generated code spells it. Replaces <c>ITypeSymbol</c> in the model.</summary>
/// <remarks>
/// Equality is structural over strings and flags only, so the incremental pipeline can compare models across
/// compilations. Adding a member must preserve this or caching breaks.
/// </remarks>
internal sealed record TypeRef
{
    /// <summary>
    /// The <c>global::</c>-qualified name without nullable reference annotations at any depth, for example
    /// <c>global::System.Collections.Generic.List&lt;string&gt;</c>: the type's runtime identity and the key of its
    /// <see cref="TypeSpec"/>. Value-type nullables keep their <c>?</c> (<c>int?</c> is another type than <c>int</c>).
    /// </summary>
    public required string FullName { get; init; }

    /// <summary>The <c>global::</c>-qualified name as declared, with nullable reference annotations.</summary>
    public required string DeclaredName { get; init; }

    /// <summary>Whether the type is a value type.</summary>
    public required bool IsValueType { get; init; }

    /// <summary>
    /// Whether the type is a reference type declared without <c>?</c>: a value read from nil must be forgiven
    /// (<c>!</c>) when assigned to it.
    /// </summary>
    public required bool IsNonNullableReference { get; init; }

    /// <summary>The declared name without <c>global::</c>, for messages (<c>System.Collections.Generic.List&lt;int&gt;</c>).</summary>
    public string DisplayName => DeclaredName.Replace("global::", string.Empty);
}
