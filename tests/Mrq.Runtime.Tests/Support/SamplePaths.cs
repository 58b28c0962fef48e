namespace Mrq.Tests.Support;

/// <summary>Where the sample's build output sits relative to this test assembly (same configuration).</summary>
internal static class SamplePaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string QueuePerformanceDirectory => Path.Combine(RepositoryRoot, "samples", "QueuePerformance");

    public static string QueuePerformanceDll
    {
        get
        {
            // tests/Mrq.Runtime.Tests/bin/<Configuration>/net10.0/
            var output = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var framework = Path.GetFileName(output);
            var configuration = Path.GetFileName(Path.GetDirectoryName(output)!);
            var dll = Path.Combine(QueuePerformanceDirectory, "bin", configuration, framework, "QueuePerformance.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"The sample is not built at {dll}; build Mrq.sln first.");
        }
    }

    /// <summary>tests/Mrq.Tests.WorkerHost's program, built (same configuration) because the test project references it.</summary>
    public static string WorkerHostDll
    {
        get
        {
            var output = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var framework = Path.GetFileName(output);
            var configuration = Path.GetFileName(Path.GetDirectoryName(output)!);
            var dll = Path.Combine(RepositoryRoot, "tests", "Mrq.Tests.WorkerHost", "bin", configuration, framework, "Mrq.Tests.WorkerHost.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"The worker host is not built at {dll}; build Mrq.sln first.");
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mrq.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Mrq.sln not found above the test output directory.");
    }
}
