using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    // The Run method (MRQ001, MRQ002), what it returns and its parameters.
    internal sealed partial class Parser
    {
        // MRQ001 / MRQ002: exactly one public instance Run or RunAsync, declared or inherited.
        private IMethodSymbol? FindRunMethod(INamedTypeSymbol type, AttributeSyntax? attributeSyntax)
        {
            var methods = FindRunMethods(type, _known.Compilation);
            if (methods.Count == 1)
            {
                if (IsObsoleteAsError(methods[0]))
                {
                    var reason = $"its {methods[0].Name} method is [Obsolete] as an error, so the worker cannot call it";
                    Report(DiagnosticDescriptors.InvalidTaskClass, GetClassLocation(type, attributeSyntax), type.Name, reason);
                    return null;
                }

                return methods[0];
            }

            if (methods.Count == 0)
            {
                Report(DiagnosticDescriptors.NoRunMethod, GetClassLocation(type, attributeSyntax), type.Name);
            }
            else
            {
                // An inherited method declared in metadata has no source location: report it on the class instead.
                foreach (var method in methods)
                {
                    var location = method.Locations.FirstOrDefault(static l => l.IsInSource) ?? GetClassLocation(type, attributeSyntax);
                    Report(DiagnosticDescriptors.SeveralRunMethods, location, type.Name, methods.Count);
                }
            }

            return null;
        }

        /// <summary>
        /// The public instance Run and RunAsync methods that <c>task.Run(...)</c> can reach on <paramref name="type"/>:
        /// its own, then those of its base classes that no more derived member overrides or hides, as C#'s member
        /// lookup would see them from the assembly's generated code.
        /// </summary>
        /// <remarks>
        /// A derived method hides a base method with the same signature (an override is such a method); any other
        /// derived member with the name (a property, a field, a nested type) hides every base method of that name.
        /// Only members generated code can see hide: a private <c>Run(int)</c> does not hide a public base one.
        /// </remarks>
        internal static List<IMethodSymbol> FindRunMethods(INamedTypeSymbol type, Compilation compilation)
        {
            var methods = new List<IMethodSymbol>();
            var hidingMethods = new List<IMethodSymbol>();
            var hiddenNames = new HashSet<string>(StringComparer.Ordinal);
            for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                var level = new List<IMethodSymbol>();
                foreach (var name in s_runMethodNames)
                {
                    if (hiddenNames.Contains(name))
                    {
                        continue;
                    }

                    foreach (var member in current.GetMembers(name))
                    {
                        if (!compilation.IsSymbolAccessibleWithin(member, compilation.Assembly))
                        {
                            continue;
                        }

                        if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
                        {
                            hiddenNames.Add(name);
                            continue;
                        }

                        if (hidingMethods.Any(derived => HaveSameSignature(derived, method)))
                        {
                            continue;
                        }

                        level.Add(method);
                        if (IsRunMethod(method))
                        {
                            methods.Add(method);
                        }
                    }
                }

                hidingMethods.AddRange(level);
            }

            return methods;
        }

        private static bool HaveSameSignature(IMethodSymbol derived, IMethodSymbol @base) =>
            derived.Name == @base.Name
            && derived.Arity == @base.Arity
            && derived.Parameters.Length == @base.Parameters.Length
            && derived.Parameters.Zip(@base.Parameters, static (d, b) =>
                d.RefKind == b.RefKind && SymbolEqualityComparer.Default.Equals(d.Type, b.Type)).All(static same => same);

        /// <summary>Whether <paramref name="method"/> is a Run method by its shape: a public instance Run or RunAsync.</summary>
        public static bool IsRunMethod(IMethodSymbol method) =>
            method is { MethodKind: MethodKind.Ordinary, IsStatic: false, DeclaredAccessibility: Accessibility.Public, Name: "Run" or "RunAsync" };

        private ReturnKind ReadReturnKind(IMethodSymbol method, out ITypeSymbol? resultType)
        {
            resultType = null;
            var returnType = method.ReturnType;
            if (method.ReturnsVoid)
            {
                return ReturnKind.Void;
            }

            if (SymbolEqualityComparer.Default.Equals(returnType, _known.Task))
            {
                return ReturnKind.Task;
            }

            if (SymbolEqualityComparer.Default.Equals(returnType, _known.ValueTask))
            {
                return ReturnKind.ValueTask;
            }

            if (returnType is INamedTypeSymbol { IsGenericType: true } generic)
            {
                if (SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, _known.TaskOfT))
                {
                    resultType = generic.TypeArguments[0];
                    return ReturnKind.TaskOfT;
                }

                if (SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, _known.ValueTaskOfT))
                {
                    resultType = generic.TypeArguments[0];
                    return ReturnKind.ValueTaskOfT;
                }
            }

            resultType = returnType;
            return ReturnKind.Value;
        }

        private ParameterSpec? ReadParameter(INamedTypeSymbol type, IMethodSymbol method, IParameterSymbol parameter)
        {
            var path = MemberPath(type, method, parameter.Name);
            if (parameter.RefKind != RefKind.None)
            {
                ReportUnsupported(parameter.Type, path, "ref, out and in parameters are not supported", parameter);
                return null;
            }

            if (SymbolEqualityComparer.Default.Equals(parameter.Type, _known.JobContext))
            {
                return new ParameterSpec(parameter.Name, ParameterKind.Context, CreateTypeRef(parameter.Type), DefaultValue: null);
            }

            if (SymbolEqualityComparer.Default.Equals(parameter.Type, _known.CancellationToken))
            {
                return new ParameterSpec(parameter.Name, ParameterKind.CancellationToken, CreateTypeRef(parameter.Type), DefaultValue: null);
            }

            var typeRef = AnalyzeRoot(parameter.Type, path, parameter);
            if (typeRef is null)
            {
                return null;
            }

            var defaultValue = parameter.HasExplicitDefaultValue ? FormatDefaultValue(parameter.Type, parameter.ExplicitDefaultValue) : null;
            return new ParameterSpec(parameter.Name, ParameterKind.Job, typeRef, defaultValue);
        }
    }
}
