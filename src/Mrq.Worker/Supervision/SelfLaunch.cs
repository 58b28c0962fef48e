namespace Mrq.Worker.Supervision;

/// <summary>How to start this very program again with other arguments (a supervisor's children run its command line).</summary>
internal static class SelfLaunch
{
    /// <summary>
    /// The executable and the arguments that come before the program's own: the program's executable (apphost or
    /// native AOT binary) with nothing before, or, when the program runs as <c>dotnet Program.dll</c>, the dotnet host
    /// with the program's assembly first.
    /// </summary>
    public static (string FileName, IReadOnlyList<string> Prefix) Current()
    {
        var processPath = Environment.ProcessPath
            ?? throw new InvalidOperationException("--processes: cannot tell which executable runs this program, so it cannot start its worker processes.");
        if (!string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return (processPath, []);
        }

        // Under the dotnet host the first command-line argument is the program's assembly.
        var assembly = Environment.GetCommandLineArgs()[0];
        return (processPath, [assembly]);
    }
}
