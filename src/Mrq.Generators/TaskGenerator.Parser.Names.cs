using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    // Names and literals as generated code writes them, culture-invariant.
    internal sealed partial class Parser
    {
        private static TypeRef CreateTypeRef(ITypeSymbol type) => new()
        {
            FullName = type.ToDisplayString(s_fullNameFormat),
            DeclaredName = type.ToDisplayString(s_declaredNameFormat),
            IsValueType = type.IsValueType,
            IsNonNullableReference = !type.IsValueType && type.NullableAnnotation != NullableAnnotation.Annotated,
        };

        private static TypeRef CreateObliviousTypeRef(ITypeSymbol type)
        {
            var fullName = type.ToDisplayString(s_fullNameFormat);
            return new TypeRef { FullName = fullName, DeclaredName = fullName, IsValueType = type.IsValueType, IsNonNullableReference = false };
        }

        private static string GetHintName(INamedTypeSymbol type)
        {
            var name = type.MetadataName;
            for (var containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
            {
                name = containing.MetadataName + "+" + name;
            }

            return type.ContainingNamespace.IsGlobalNamespace ? name : type.ContainingNamespace.ToDisplayString(s_taskPathFormat) + "." + name;
        }

        private static string MemberPath(INamedTypeSymbol type, IMethodSymbol method, string member) =>
            $"{type.Name}.{method.Name}({member})";

        /// <summary>A C# expression for a parameter's default value, culture-invariant.</summary>
        internal static string FormatDefaultValue(ITypeSymbol type, object? value)
        {
            var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                ? nullable.TypeArguments[0]
                : type;
            if (value is null)
            {
                return type.IsValueType && ReferenceEquals(underlying, type) ? "default" : "null";
            }

            if (underlying.TypeKind == TypeKind.Enum)
            {
                var literal = FormatLiteral(value);
                return $"({underlying.ToDisplayString(s_fullNameFormat)})" + (literal.StartsWith("-", StringComparison.Ordinal) ? $"({literal})" : literal);
            }

            return FormatLiteral(value);
        }

        private static string FormatLiteral(object value) => value switch
        {
            bool b => b ? "true" : "false",
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            float f when float.IsNaN(f) => "float.NaN",
            float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
            float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
            double d when double.IsNaN(d) => "double.NaN",
            double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
            double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
            double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
            long l => l.ToString(CultureInfo.InvariantCulture) + "L",
            ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
            uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => "default",
        };
    }
}
