using Microsoft.CodeAnalysis.Operations;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Parser
    {
        /// <summary>
        /// How <paramref name="operation"/> blocks its thread until a task completes (<c>.Result</c>, <c>.Wait()</c> or
        /// <c>.GetAwaiter().GetResult()</c>), or null when it does not (MRQ018). Bound operations rather than syntax, so a
        /// user type's own <c>Result</c> property is not mistaken for a task's.
        /// </summary>
        public static string? DescribeBlockingWait(IOperation operation, KnownTypeSymbols known) => operation switch
        {
            IPropertyReferenceOperation { Property: { Name: "Result", IsStatic: false } property }
                when IsTaskOfT(property.ContainingType, known) => ".Result",
            IInvocationOperation { TargetMethod: { Name: "Wait", IsStatic: false } method }
                when SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Task) => ".Wait()",
            IInvocationOperation { TargetMethod: { Name: "GetResult", IsStatic: false } method }
                when IsAwaiter(method.ContainingType) => ".GetAwaiter().GetResult()",
            _ => null,
        };

        private static bool IsTaskOfT(INamedTypeSymbol type, KnownTypeSymbols known) =>
            SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known.TaskOfT)
            || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known.ValueTaskOfT);

        // TaskAwaiter, ValueTaskAwaiter, their generic and ConfigureAwait(...) variants: the awaiters `await` uses.
        private static bool IsAwaiter(INamedTypeSymbol type) =>
            type.Name.EndsWith("Awaiter", System.StringComparison.Ordinal)
            && type.ContainingNamespace.ToDisplayString() == "System.Runtime.CompilerServices";
    }
}
