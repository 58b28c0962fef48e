using System.IO.Compression;
using System.Xml.Linq;
using Mrq.Tests.Support;

namespace Mrq.Tests.EndToEnd;

/// <summary>
/// The Mrq package as <c>dotnet pack</c> makes it (from the build these tests run on): the generator where the compiler
/// finds it, the runtime, and no dependency on an adapter's client library.
/// </summary>
public sealed class PackageContentsTests
{
    [Fact]
    public async Task The_mrq_package_carries_the_generator_and_no_adapter_dependency()
    {
        using var dir = new TempDirectory();
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;
        var project = Path.Combine(SamplePaths.RepositoryRoot, "src", "Mrq.Runtime", "Mrq.Runtime.csproj");
        using (var pack = ChildProcess.Start("dotnet", ["pack", project, "-c", configuration, "--no-build", "-o", dir.Path, "-nologo", "-v", "q"], dir.Path))
        {
            Assert.True(await pack.WaitForExitAsync(TimeSpan.FromMinutes(5)) == 0, pack.StandardOutput + pack.StandardError);
        }

        var package = Assert.Single(Directory.GetFiles(dir.Path, "Mrq.*.nupkg"), f => !f.EndsWith(".snupkg", StringComparison.Ordinal) && Path.GetFileName(f).StartsWith("Mrq.0", StringComparison.Ordinal));
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToList();

        Assert.Contains("analyzers/dotnet/roslyn4.14/cs/Mrq.Generators.dll", entries);
        Assert.Contains("lib/net10.0/Mrq.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/Mrq.Runtime.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generators", StringComparison.Ordinal));

        XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
        await using var nuspec = zip.GetEntry("Mrq.nuspec")!.Open();
        var dependencies = XDocument.Load(nuspec).Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).ToList();
        Assert.Contains("Mrq.Abstractions", dependencies);
        Assert.DoesNotContain("MongoDB.Driver", dependencies);
        Assert.DoesNotContain("StackExchange.Redis", dependencies);
    }
}
