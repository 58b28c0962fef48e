using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mrq.Generators;

/// <summary>
/// How generated classes are named, so that no valid declaration makes them clash: the <c>Tasks</c> and
/// <c>RawQueues</c> classes of a namespace, and the façade <c>Tasks.&lt;Containing&gt;.&lt;Name&gt;</c> of each task.
/// </summary>
internal static class FacadeNames
{
    /// <summary>The class of a namespace that holds its tasks' façades.</summary>
    public const string Container = "Tasks";

    /// <summary>The class of a namespace that holds its raw queues' façades.</summary>
    public const string RawQueuesContainer = "RawQueues";

    /// <summary>Appended to a name the façade cannot take as is: a task named <c>Job</c> gets <c>Tasks.JobTask</c>.</summary>
    public const string ReservedSuffix = "Task";

    // Members of every generated façade class, and the container's own name: a class named like one of them would not
    // compile (CS0542 for the enclosing class's name, CS0102 for a member's).
    private static readonly HashSet<string> s_reserved =
        [Container, "Path", "DefaultQueue", "Job", "Enqueue", "EnqueueAsync", "EnqueueMany", "GetResult", "Invoke", "InvokeAsync", "WriteResult"];

    /// <summary>
    /// The names of <paramref name="type"/>'s façade and of the classes containing it inside <c>Tasks</c>, outermost
    /// first: the names of the type and of the types it is nested in, each reserved one suffixed with <see cref="ReservedSuffix"/>.
    /// </summary>
    public static string[] GetPath(INamedTypeSymbol type)
    {
        var names = new List<string>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            names.Add(s_reserved.Contains(current.Name) ? current.Name + ReservedSuffix : current.Name);
        }

        names.Reverse();
        return [.. names];
    }

    /// <summary>
    /// For each class of <see cref="GetPath"/>, whether it is public: only where the type it mirrors is visible outside
    /// its assembly (it and every type containing it are public). A user who declares the namespace's
    /// <c>public static partial class Tasks</c> so gets public façades for public tasks, while an internal task's
    /// façade, whose methods may take internal types, stays internal; and both parts of a class that is a task and
    /// contains tasks get the same accessibility.
    /// </summary>
    public static bool[] GetPublicFlags(INamedTypeSymbol type)
    {
        var flags = new List<bool>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            flags.Add(IsVisibleOutside(current));
        }

        flags.Reverse();
        return [.. flags];
    }

    private static bool IsVisibleOutside(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The façade class of <paramref name="type"/> as messages show it: <c>Shop.Tasks.Billing.Charge</c>.</summary>
    public static string GetDisplayName(INamedTypeSymbol type) =>
        Qualify(type.ContainingNamespace, Container + "." + string.Join(".", GetPath(type)));

    /// <summary><paramref name="name"/> in <paramref name="ns"/>, as messages show it.</summary>
    public static string Qualify(INamespaceSymbol ns, string name) =>
        ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name;

    /// <summary>
    /// What in <paramref name="ns"/> keeps the generated class <paramref name="container"/> from being declared there,
    /// or null: a namespace of that name, a type of that name other than a static partial class of this project (the
    /// generated class merges with those), or one another assembly lets this one see. <paramref name="self"/> is
    /// the task class being checked, named in the message when it is the clashing type.
    /// </summary>
    public static string? FindContainerClash(
        Compilation compilation,
        INamespaceSymbol ns,
        string container,
        IReadOnlyList<string> path,
        INamedTypeSymbol? self,
        CancellationToken cancellationToken) =>
        FindNamespaceClash(compilation, compilation.GetCompilationNamespace(ns) ?? ns, container, self, cancellationToken)
            ?? FindMemberClash(ns, container, path, cancellationToken);

    // The compilation's namespace, which merges this assembly's declarations with those of its references.
    private static string? FindNamespaceClash(Compilation compilation, INamespaceSymbol ns, string container, INamedTypeSymbol? self, CancellationToken cancellationToken)
    {
        foreach (var member in ns.GetMembers(container))
        {
            switch (member)
            {
                case INamespaceSymbol:
                    return $"the namespace '{Qualify(ns, container)}'; rename that namespace, or use another one";
                case INamedTypeSymbol { Arity: 0 } type when SymbolEqualityComparer.Default.Equals(type, self):
                    return "the task class itself; rename it";
                case INamedTypeSymbol { Arity: 0 } type when !SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly):
                    if (compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
                    {
                        return $"the type '{type.ToDisplayString()}' of the assembly '{type.ContainingAssembly.Name}', visible here; use another namespace";
                    }

                    break;
                case INamedTypeSymbol { Arity: 0 } type when !IsStaticPartialClass(type, cancellationToken):
                    return $"the type '{type.ToDisplayString()}', which is not a static partial class; rename it, or make it 'static partial class {container}'";
            }
        }

        return null;
    }

    // A user's own static partial container may declare members itself: one named like a class of the generated path
    // must be a static partial class too, to merge with it (CS0102 otherwise).
    private static string? FindMemberClash(INamespaceSymbol ns, string container, IReadOnlyList<string> path, CancellationToken cancellationToken)
    {
        INamespaceOrTypeSymbol? current = ns.GetTypeMembers(container, 0).FirstOrDefault();
        foreach (var name in path)
        {
            if (current is null)
            {
                return null;
            }

            var members = current.GetMembers(name);
            var clash = members.FirstOrDefault(m => m is not INamedTypeSymbol { Arity: 0 } type || !IsStaticPartialClass(type, cancellationToken));
            if (clash is not null)
            {
                return $"the member '{clash.ToDisplayString()}', which is not a static partial class; rename it";
            }

            current = members.OfType<INamedTypeSymbol>().FirstOrDefault();
        }

        return null;
    }

    // Every declaration (this project's and the generated ones) says `static partial class`, so they all merge.
    private static bool IsStaticPartialClass(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.TypeKind == TypeKind.Class
        && type.DeclaringSyntaxReferences.All(reference => reference.GetSyntax(cancellationToken) is ClassDeclarationSyntax declaration
            && declaration.Modifiers.Any(SyntaxKind.PartialKeyword)
            && declaration.Modifiers.Any(SyntaxKind.StaticKeyword));
}
