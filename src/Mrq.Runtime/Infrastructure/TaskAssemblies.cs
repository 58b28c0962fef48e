using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Mrq.Infrastructure;

/// <summary>
/// Finds the task libraries an application ships but has not loaded. Tasks register from their assembly's module
/// initializer, which runs only once the assembly is used; a library the host never calls into would be silently
/// missing, so the worker names these assemblies and their generated <c>AddMrqTasksFrom…()</c> method instead.
/// </summary>
/// <remarks>
/// Reads the metadata of the application's own assemblies (<c>TRUSTED_PLATFORM_ASSEMBLIES</c> under the application's
/// folder) without loading them. A native AOT binary has no such files and finds none.
/// </remarks>
internal static class TaskAssemblies
{
    /// <summary>The namespace and name shape of the class the generator writes into each task library.</summary>
    public const string RegistrationNamespace = "Microsoft.Extensions.DependencyInjection";

    /// <summary>The generated class is <c>MrqTasksFrom&lt;Assembly&gt;Extensions</c>, its method <c>AddMrqTasksFrom&lt;Assembly&gt;</c>.</summary>
    public const string RegistrationClassPrefix = "MrqTasksFrom";

    public const string RegistrationClassSuffix = "Extensions";

    private static readonly Lazy<IReadOnlyList<(string Assembly, string Method)>> s_libraries = new(Scan);

    /// <summary>The task libraries (assembly name, registration method) present but not loaded in this process.</summary>
    public static IReadOnlyList<(string Assembly, string Method)> FindUnregistered()
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return s_libraries.Value.Where(l => !loaded.Contains(l.Assembly)).ToArray();
    }

    private static IReadOnlyList<(string Assembly, string Method)> Scan()
    {
        var found = new List<(string, string)>();
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is not string paths)
        {
            return found;
        }

        var appFolder = Path.GetFullPath(AppContext.BaseDirectory);
        foreach (var path in paths.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!path.StartsWith(appFolder, StringComparison.Ordinal) || !path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            try
            {
                if (FindRegistration(path) is { } method)
                {
                    found.Add((Path.GetFileNameWithoutExtension(path), method));
                }
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Not a readable .NET assembly: it holds no tasks we could name.
            }
        }

        return found;
    }

    /// <summary>The registration method a task library at <paramref name="path"/> declares, or null for any other assembly.</summary>
    internal static string? FindRegistration(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            return null;
        }

        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(handle);
            if (!metadata.StringComparer.Equals(type.Namespace, RegistrationNamespace))
            {
                continue;
            }

            var name = metadata.GetString(type.Name);
            if (name.StartsWith(RegistrationClassPrefix, StringComparison.Ordinal) && name.EndsWith(RegistrationClassSuffix, StringComparison.Ordinal))
            {
                return "Add" + name[..^RegistrationClassSuffix.Length];
            }
        }

        return null;
    }
}
