using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    // Serialization shapes: the params' and result's types, and every type they contain (MRQ003).
    internal sealed partial class Parser
    {
        // A param or result type: keeps its nullable annotations (the façade's signatures use them).
        private TypeRef? AnalyzeRoot(ITypeSymbol type, string path, ISymbol root)
        {
            _typeRoot = root;
            return AnalyzeType(type, path) is null ? null : CreateTypeRef(type);
        }

        // A nested type: returned without nullable annotations, since the serializers are nullable-oblivious.
        private TypeRef? AnalyzeType(ITypeSymbol type, string path)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var typeRef = CreateObliviousTypeRef(type);
            var key = typeRef.FullName;
            if (_types.ContainsKey(key) || _pending.Contains(key))
            {
                return typeRef;
            }

            if (_failed.Contains(key) || type.TypeKind == TypeKind.Error)
            {
                // Already reported, or a compiler error the user sees anyway.
                _isValid = false;
                return null;
            }

            _pending.Add(key);
            var spec = CreateTypeSpec(type, key, path);
            _pending.Remove(key);
            if (spec is null)
            {
                _failed.Add(key);
                _isValid = false;
                return null;
            }

            _types.Add(key, spec);
            return typeRef;
        }

        private TypeSpec? CreateTypeSpec(ITypeSymbol type, string key, string path)
        {
            var primitive = GetPrimitiveKind(type);
            if (primitive != PrimitiveKind.None)
            {
                return new TypeSpec { FullName = key, IsValueType = type.IsValueType, Shape = TypeShape.Primitive, Primitive = primitive };
            }

            switch (type)
            {
                case INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying }:
                    return new TypeSpec { FullName = key, IsValueType = true, Shape = TypeShape.Enum, Primitive = GetPrimitiveKind(underlying) };

                case INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable:
                    return AnalyzeType(nullable.TypeArguments[0], path) is { } underlyingRef
                        ? new TypeSpec { FullName = key, IsValueType = true, Shape = TypeShape.Nullable, Element = underlyingRef }
                        : null;

                case IArrayTypeSymbol array:
                    if (!array.IsSZArray)
                    {
                        return Unsupported(type, path, "multi-dimensional arrays are not supported; use jagged arrays or lists");
                    }

                    return AnalyzeType(array.ElementType, path + "[]") is { } elementRef
                        ? new TypeSpec { FullName = key, IsValueType = false, Shape = TypeShape.Collection, Collection = CollectionKind.Array, Element = elementRef }
                        : null;

                case INamedTypeSymbol named when GetCollectionKind(named) is var kind && kind != CollectionKind.None:
                    return CreateCollectionSpec(named, key, path, kind);

                case ITypeParameterSymbol:
                    return Unsupported(type, path, "type parameters are not supported; use a concrete type");

                case IDynamicTypeSymbol:
                case { SpecialType: SpecialType.System_Object }:
                    return Unsupported(type, path, "'object' and 'dynamic' have no fixed shape; declare a concrete type");

                case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                    return Unsupported(type, path, "pointers cannot be serialized");

                case INamedTypeSymbol named:
                    return CreateObjectSpec(named, key, path);

                default:
                    return Unsupported(type, path, "this kind of type cannot be serialized");
            }
        }

        private TypeSpec? CreateCollectionSpec(INamedTypeSymbol type, string key, string path, CollectionKind kind)
        {
            TypeRef? element;
            if (kind is CollectionKind.Dictionary or CollectionKind.IDictionary or CollectionKind.IReadOnlyDictionary)
            {
                if (type.TypeArguments[0].SpecialType != SpecialType.System_String)
                {
                    return Unsupported(type, path, "dictionary keys must be strings");
                }

                element = AnalyzeType(type.TypeArguments[1], path + "[]");
                return element is null ? null : new TypeSpec { FullName = key, IsValueType = false, Shape = TypeShape.Dictionary, Collection = kind, Element = element };
            }

            element = AnalyzeType(type.TypeArguments[0], path + "[]");
            return element is null ? null : new TypeSpec { FullName = key, IsValueType = false, Shape = TypeShape.Collection, Collection = kind, Element = element };
        }

        private TypeSpec? CreateObjectSpec(INamedTypeSymbol type, string key, string path)
        {
            var problem = type switch
            {
                { IsTupleType: true } => "tuples are not supported; declare a record with named properties",
                { TypeKind: TypeKind.Interface } => "interfaces other than the supported collection interfaces have no fixed shape; use a concrete type",
                { TypeKind: TypeKind.Delegate } => "delegates cannot be serialized",
                { TypeKind: not (TypeKind.Class or TypeKind.Struct) } => "this kind of type cannot be serialized",
                _ when IsFrameworkType(type) => "framework types other than the supported scalars and collections have no wire format",
                { IsRefLikeType: true } => "ref structs cannot be serialized",
                { IsStatic: true } or { IsAbstract: true } => "abstract and static classes cannot be created when params are read",
                _ when type.IsFileLocal || !IsAccessible(type) => "generated code cannot see it; it must be public or internal, and so must every type containing it",
                _ => null,
            };
            if (problem is not null)
            {
                return Unsupported(type, path, problem);
            }

            var properties = GetSerializedProperties(type);
            if (properties.Count == 0)
            {
                return Unsupported(type, path, "it has no public readable properties");
            }

            var propertyTypes = new TypeRef?[properties.Count];
            var valid = true;
            for (var i = 0; i < properties.Count; i++)
            {
                propertyTypes[i] = AnalyzeType(properties[i].Type, path + "." + properties[i].Name);
                valid &= propertyTypes[i] is not null;
            }

            if (!valid)
            {
                return null;
            }

            var constructor = FindObjectConstructor(type, properties, out var constructorProperties);
            if (constructor is null)
            {
                return Unsupported(type, path, "it has no public constructor whose parameters all match properties by name and type");
            }

            var setsRequiredMembers = constructor.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _known.SetsRequiredMembersAttribute));
            var propertySpecs = new PropertySpec[properties.Count];
            for (var i = 0; i < properties.Count; i++)
            {
                var property = properties[i];
                var inConstructor = constructorProperties.Contains(property, SymbolEqualityComparer.Default);
                var setter = property.SetMethod is { DeclaredAccessibility: Accessibility.Public } set ? set : null;
                var assignment = setter switch
                {
                    not null when property.IsRequired && !setsRequiredMembers => PropertyAssignment.Initializer,
                    _ when inConstructor => PropertyAssignment.Constructor,
                    { IsInitOnly: true } => PropertyAssignment.Initializer,
                    not null when property.IsRequired => PropertyAssignment.Initializer,
                    not null => PropertyAssignment.Setter,
                    null => PropertyAssignment.None,
                };
                var constructorIndex = inConstructor ? constructorProperties.FindIndex(p => SymbolEqualityComparer.Default.Equals(p, property)) : -1;
                var hasDefault = assignment switch
                {
                    PropertyAssignment.None => true,
                    PropertyAssignment.Constructor => constructor.Parameters[constructorIndex].HasExplicitDefaultValue,
                    _ when property.IsRequired => false,
                    _ => HasInitializer(property),
                };
                propertySpecs[i] = new PropertySpec(property.Name, propertyTypes[i]!, assignment, IsRequired: !hasDefault && !IsNullable(property.Type));
            }

            var parameterSpecs = constructor.Parameters
                .Select((parameter, i) => new ConstructorParameterSpec(
                    constructorProperties[i].Name,
                    parameter.HasExplicitDefaultValue ? FormatDefaultValue(parameter.Type, parameter.ExplicitDefaultValue) : null))
                .ToEquatableArray();

            return new TypeSpec
            {
                FullName = key,
                IsValueType = type.IsValueType,
                Shape = TypeShape.Object,
                Properties = propertySpecs.ToEquatableArray(),
                ConstructorParameters = parameterSpecs,
            };
        }

        // Public readable instance properties, base type first; a redeclared (new/override) property keeps its place.
        private static List<IPropertySymbol> GetSerializedProperties(INamedTypeSymbol type)
        {
            var hierarchy = new Stack<INamedTypeSymbol>();
            for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
            {
                hierarchy.Push(current);
            }

            var properties = new List<IPropertySymbol>();
            var indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var declaringType in hierarchy)
            {
                foreach (var member in declaringType.GetMembers())
                {
                    if (member is not IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod.DeclaredAccessibility: Accessibility.Public } property)
                    {
                        continue;
                    }

                    if (indexByName.TryGetValue(property.Name, out var index))
                    {
                        properties[index] = property;
                    }
                    else
                    {
                        indexByName.Add(property.Name, properties.Count);
                        properties.Add(property);
                    }
                }
            }

            return properties;
        }

        // The public constructor with the most parameters that all match properties (name ignoring case, same type).
        private static IMethodSymbol? FindObjectConstructor(INamedTypeSymbol type, List<IPropertySymbol> properties, out List<IPropertySymbol> matched)
        {
            IMethodSymbol? best = null;
            matched = [];
            foreach (var constructor in type.InstanceConstructors)
            {
                if (constructor.DeclaredAccessibility != Accessibility.Public
                    || (best is not null && constructor.Parameters.Length <= best.Parameters.Length)
                    || (constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type)))
                {
                    continue;
                }

                var candidate = new List<IPropertySymbol>(constructor.Parameters.Length);
                foreach (var parameter in constructor.Parameters)
                {
                    var property = properties.FirstOrDefault(p => p.Name == parameter.Name)
                        ?? properties.FirstOrDefault(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
                    if (property is null
                        || parameter.RefKind != RefKind.None
                        || !SymbolEqualityComparer.Default.Equals(property.Type, parameter.Type)
                        || candidate.Contains(property, SymbolEqualityComparer.Default))
                    {
                        candidate = null;
                        break;
                    }

                    candidate.Add(property);
                }

                if (candidate is not null)
                {
                    best = constructor;
                    matched = candidate;
                }
            }

            return best;
        }

        private PrimitiveKind GetPrimitiveKind(ITypeSymbol type)
        {
            var kind = type.SpecialType switch
            {
                SpecialType.System_Boolean => PrimitiveKind.Boolean,
                SpecialType.System_SByte => PrimitiveKind.SByte,
                SpecialType.System_Byte => PrimitiveKind.Byte,
                SpecialType.System_Int16 => PrimitiveKind.Int16,
                SpecialType.System_UInt16 => PrimitiveKind.UInt16,
                SpecialType.System_Int32 => PrimitiveKind.Int32,
                SpecialType.System_UInt32 => PrimitiveKind.UInt32,
                SpecialType.System_Int64 => PrimitiveKind.Int64,
                SpecialType.System_UInt64 => PrimitiveKind.UInt64,
                SpecialType.System_Single => PrimitiveKind.Single,
                SpecialType.System_Double => PrimitiveKind.Double,
                SpecialType.System_Decimal => PrimitiveKind.Decimal,
                SpecialType.System_String => PrimitiveKind.String,
                SpecialType.System_Char => PrimitiveKind.Char,
                SpecialType.System_DateTime => PrimitiveKind.DateTime,
                _ => PrimitiveKind.None,
            };
            if (kind != PrimitiveKind.None)
            {
                return kind;
            }

            if (SymbolEqualityComparer.Default.Equals(type, _known.Guid))
            {
                return PrimitiveKind.Guid;
            }

            if (SymbolEqualityComparer.Default.Equals(type, _known.DateTimeOffset))
            {
                return PrimitiveKind.DateTimeOffset;
            }

            if (SymbolEqualityComparer.Default.Equals(type, _known.TimeSpan))
            {
                return PrimitiveKind.TimeSpan;
            }

            if (SymbolEqualityComparer.Default.Equals(type, _known.DateOnly))
            {
                return PrimitiveKind.DateOnly;
            }

            return SymbolEqualityComparer.Default.Equals(type, _known.TimeOnly) ? PrimitiveKind.TimeOnly : PrimitiveKind.None;
        }

        private CollectionKind GetCollectionKind(INamedTypeSymbol type)
        {
            if (!type.IsGenericType)
            {
                return CollectionKind.None;
            }

            var definition = type.OriginalDefinition;
            return definition switch
            {
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.List) => CollectionKind.List,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IList) => CollectionKind.IList,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.ICollection) => CollectionKind.ICollection,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IEnumerable) => CollectionKind.IEnumerable,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IReadOnlyList) => CollectionKind.IReadOnlyList,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IReadOnlyCollection) => CollectionKind.IReadOnlyCollection,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.HashSet) => CollectionKind.HashSet,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.ISet) => CollectionKind.ISet,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IReadOnlySet) => CollectionKind.IReadOnlySet,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.Dictionary) => CollectionKind.Dictionary,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IDictionary) => CollectionKind.IDictionary,
                _ when SymbolEqualityComparer.Default.Equals(definition, _known.IReadOnlyDictionary) => CollectionKind.IReadOnlyDictionary,
                _ => CollectionKind.None,
            };
        }

        private static bool IsFrameworkType(INamedTypeSymbol type)
        {
            var root = type.ContainingNamespace;
            while (root is { ContainingNamespace.IsGlobalNamespace: false })
            {
                root = root.ContainingNamespace;
            }

            return root is { Name: "System" or "Microsoft" };
        }

        private static bool IsNullableValueType(ITypeSymbol type) =>
            type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

        // Null is a valid value: Nullable<T>, an annotated reference, or a reference in a nullable-oblivious context.
        private static bool IsNullable(ITypeSymbol type) =>
            IsNullableValueType(type) || (!type.IsValueType && type.NullableAnnotation != NullableAnnotation.NotAnnotated);

        // A property initializer (= value) is the member's default when the key is missing. A property declared in
        // metadata shows no syntax: it is given the benefit of the doubt.
        private static bool HasInitializer(IPropertySymbol property) =>
            property.DeclaringSyntaxReferences.Length == 0
            || property.DeclaringSyntaxReferences.Any(static r => r.GetSyntax() is PropertyDeclarationSyntax { Initializer: not null });
    }
}
