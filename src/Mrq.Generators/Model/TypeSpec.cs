namespace Mrq.Generators.Model;

/// <summary>How a type is serialized; one per type (by <see cref="FullName"/>) used in params or results.</summary>
/// <remarks>
/// Types refer to each other by <see cref="TypeRef"/> (by name), never by nesting, so recursive types are fine and two
/// tasks using the same type produce equal specs. The references inside a spec carry no nullable annotations: the
/// serializers are nullable-oblivious (<c>List&lt;string&gt;</c> and <c>List&lt;string?&gt;</c> are one runtime type).
/// Equality is structural; adding a member must preserve this or caching breaks.
/// </remarks>
internal sealed record TypeSpec
{
    /// <summary>The type's identity: <see cref="TypeRef.FullName"/>.</summary>
    public required string FullName { get; init; }

    /// <summary>Whether the type is a value type.</summary>
    public required bool IsValueType { get; init; }

    /// <summary>The wire shape.</summary>
    public required TypeShape Shape { get; init; }

    /// <summary>For <see cref="TypeShape.Primitive"/> the type itself; for <see cref="TypeShape.Enum"/> the underlying integer type.</summary>
    public PrimitiveKind Primitive { get; init; }

    /// <summary>For <see cref="TypeShape.Collection"/> and <see cref="TypeShape.Dictionary"/>: the declared collection type.</summary>
    public CollectionKind Collection { get; init; }

    /// <summary>The underlying type of a nullable, the element of a collection or the value of a dictionary.</summary>
    public TypeRef? Element { get; init; }

    /// <summary>For <see cref="TypeShape.Object"/>: the serialized properties, in declaration order (base type first).</summary>
    public EquatableArray<PropertySpec> Properties { get; init; }

    /// <summary>For <see cref="TypeShape.Object"/>: the parameters of the constructor used to create instances, in order.</summary>
    public EquatableArray<ConstructorParameterSpec> ConstructorParameters { get; init; }
}

/// <summary>A property of a <see cref="TypeShape.Object"/> type: a key of its map.</summary>
/// <param name="Name">The property name, also the map key.</param>
/// <param name="Type">The property type.</param>
/// <param name="Assignment">How a deserialized value gets into a new instance.</param>
/// <param name="IsRequired">
/// Whether a map without the key is an error: the property cannot be null and has no default (no constructor default, no
/// initializer; or it is declared <c>required</c>).
/// </param>
internal sealed record PropertySpec(string Name, TypeRef Type, PropertyAssignment Assignment, bool IsRequired);

/// <summary>A parameter of the constructor that creates a <see cref="TypeShape.Object"/> type.</summary>
/// <param name="PropertyName">The property the parameter initializes (matched by name ignoring case, and by type).</param>
/// <param name="DefaultValue">The parameter's default value as a C# expression, used when the key is missing; or null.</param>
internal sealed record ConstructorParameterSpec(string PropertyName, string? DefaultValue);

/// <summary>The wire shape of a type.</summary>
internal enum TypeShape
{
    /// <summary>A built-in scalar (see <see cref="PrimitiveKind"/>).</summary>
    Primitive,

    /// <summary>An enum, written as its underlying integer.</summary>
    Enum,

    /// <summary>A <c>Nullable&lt;T&gt;</c>: nil or the value.</summary>
    Nullable,

    /// <summary>An array or list: a MessagePack array.</summary>
    Collection,

    /// <summary>A dictionary with string keys: a MessagePack map.</summary>
    Dictionary,

    /// <summary>A record, class or struct: a map of property name to value.</summary>
    Object,
}

/// <summary>The scalar types of the wire format.</summary>
internal enum PrimitiveKind
{
    None,
    Boolean,
    SByte,
    Byte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
    Decimal,
    String,
    Char,
    Guid,
    DateTime,
    DateTimeOffset,
    TimeSpan,
    DateOnly,
    TimeOnly,
}

/// <summary>The declared type of a collection or dictionary, which decides how it is counted, iterated and created.</summary>
internal enum CollectionKind
{
    None,
    Array,
    List,
    IList,
    ICollection,
    IEnumerable,
    IReadOnlyList,
    IReadOnlyCollection,
    HashSet,
    ISet,
    IReadOnlySet,
    Dictionary,
    IDictionary,
    IReadOnlyDictionary,
}

/// <summary>How a deserialized property value gets into a new instance.</summary>
internal enum PropertyAssignment
{
    /// <summary>It cannot: the value is written but skipped when read (a get-only property).</summary>
    None,

    /// <summary>Through the constructor.</summary>
    Constructor,

    /// <summary>In the object initializer (init-only or required properties), always.</summary>
    Initializer,

    /// <summary>Through the setter, only when the key is present, so property initializers keep their defaults.</summary>
    Setter,
}
