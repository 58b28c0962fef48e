namespace Mrq.Generators.Model;

/// <summary>Queries over a set of <see cref="TypeSpec"/>s.</summary>
internal static class TypeSpecs
{
    /// <summary>
    /// Whether values of <paramref name="type"/> are read and written by generated <c>Read</c>/<c>Write</c> overloads
    /// (collections, dictionaries, objects and nullables of those) rather than inline (scalars and enums).
    /// </summary>
    public static bool NeedsMethods(TypeSpec type, IReadOnlyDictionary<string, TypeSpec> types) => type.Shape switch
    {
        TypeShape.Collection or TypeShape.Dictionary or TypeShape.Object => true,
        TypeShape.Nullable => NeedsMethods(types[type.Element!.FullName], types),
        _ => false,
    };
}
