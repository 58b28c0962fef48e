using System.Globalization;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    // Reporting: every diagnostic the parser finds goes through here, and only when diagnostics are collected.
    internal sealed partial class Parser
    {
        private TypeSpec? Unsupported(ITypeSymbol type, string path, string reason)
        {
            ReportUnsupported(type, path, reason, _typeRoot);
            return null;
        }

        private void ReportUnsupported(ITypeSymbol type, string path, string reason, ISymbol? root)
        {
            _isValid = false;
            if (_diagnostics is null)
            {
                return;
            }

            var location = root switch
            {
                IMethodSymbol method => (method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) as MethodDeclarationSyntax)?.ReturnType.GetLocation()
                    ?? method.Locations.FirstOrDefault(),
                not null => root.Locations.FirstOrDefault(),
                null => null,
            };
            Report(DiagnosticDescriptors.UnsupportedType, location, type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat), path, reason);
        }

        private void Report(DiagnosticDescriptor descriptor, Location? location, params object[] arguments)
        {
            _isValid = false;
            _diagnostics?.Add(Diagnostic.Create(descriptor, location, arguments));
        }

        // A warning describes code that works: the task stays valid and is generated.
        private void ReportWarning(DiagnosticDescriptor descriptor, Location? location, params object[] arguments) =>
            _diagnostics?.Add(Diagnostic.Create(descriptor, location, arguments));

        private static string Format(int number) => number.ToString(CultureInfo.InvariantCulture);

        // Syntax (for precise locations) is only looked up when diagnostics are collected: the generator needs none.
        private AttributeSyntax? GetAttributeSyntax(AttributeData attribute) =>
            _diagnostics is null ? null : attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) as AttributeSyntax;

        private static Location? GetClassLocation(INamedTypeSymbol type, AttributeSyntax? attributeSyntax) =>
            attributeSyntax?.Parent?.Parent is BaseTypeDeclarationSyntax declaration
                ? declaration.Identifier.GetLocation()
                : type.Locations.FirstOrDefault();

        private static AttributeArgumentSyntax? GetArgumentSyntax(AttributeSyntax? attributeSyntax, string name) =>
            attributeSyntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

        private static object? GetNamedArgument(AttributeData attribute, string name)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == name)
                {
                    return argument.Value.Value;
                }
            }

            return null;
        }
    }
}
