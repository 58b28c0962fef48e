using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Mrq.Generators.Analyzers;

namespace Mrq.Generators.Tests;

/// <summary>
/// One test per diagnostic: its ID, exact message and exact span, and that nothing else is reported (the testing
/// framework fails on any unexpected diagnostic, compiler warnings included).
/// </summary>
public sealed class DiagnosticTests
{
    [Fact]
    public Task MRQ001_no_public_Run_method() => VerifyAsync(
        """
        [MrqTask]
        public sealed class {|#0:Square|}
        {
            public int Execute(int n) => n;

            public static int Run(int n) => n;

            private int RunAsync(int n) => n;
        }
        """,
        Expect("MRQ001", "Task class 'Square' has no public instance method named Run or RunAsync"));

    [Fact]
    public Task MRQ002_several_Run_methods() => VerifyAsync(
        """
        [MrqTask]
        public sealed class Square
        {
            public int {|#0:Run|}(int n) => n * n;

            public Task<int> {|#1:RunAsync|}(int n) => Task.FromResult(n * n);
        }
        """,
        Expect("MRQ002", "Task class 'Square' has 2 public Run or RunAsync methods; it must have exactly one", 0),
        Expect("MRQ002", "Task class 'Square' has 2 public Run or RunAsync methods; it must have exactly one", 1));

    [Fact]
    public Task MRQ003_unsupported_parameter_type() => VerifyAsync(
        """
        [MrqTask]
        public sealed class Square
        {
            public int Run(int n, object {|#0:p|}) => n;
        }
        """,
        Expect("MRQ003", "The type 'object' of 'Square.Run(p)' is not supported by Mrq's serializer: 'object' and 'dynamic' have no fixed shape; declare a concrete type"));

    [Fact]
    public Task MRQ003_names_the_member_path_of_a_nested_type() => VerifyAsync(
        """
        public sealed record Line(string Sku, int Quantity);

        public sealed record Order(string Id, List<object> Items, Dictionary<int, Line> ByNumber);

        [MrqTask]
        public sealed class Square
        {
            public void Run(Order {|#0:p|}) { }
        }
        """,
        Expect("MRQ003", "The type 'object' of 'Square.Run(p).Items[]' is not supported by Mrq's serializer: 'object' and 'dynamic' have no fixed shape; declare a concrete type"),
        Expect("MRQ003", "The type 'System.Collections.Generic.Dictionary<int, Line>' of 'Square.Run(p).ByNumber' is not supported by Mrq's serializer: dictionary keys must be strings"));

    [Fact]
    public Task MRQ003_unsupported_result_type() => VerifyAsync(
        """
        [MrqTask]
        public sealed class Download
        {
            public {|#0:Task<System.IO.Stream>|} RunAsync(string url) => Task.FromResult<System.IO.Stream>(System.IO.Stream.Null);
        }
        """,
        Expect("MRQ003", "The type 'System.IO.Stream' of 'Download.RunAsync(return)' is not supported by Mrq's serializer: framework types other than the supported scalars and collections have no wire format"));

    [Theory]
    [InlineData("public abstract class", "abstract classes cannot be instantiated")]
    [InlineData("public static class", "static classes cannot be instantiated")]
    [InlineData("file sealed class", "generated code cannot see it; it must be public or internal, and so must every type containing it")]
    public Task MRQ004_class_that_cannot_be_a_task(string declaration, string reason) => VerifyAsync(
        $$"""
        [MrqTask]
        {{declaration}} {|#0:Square|}
        {
            public static int Run(int n) => n;
        }
        """,
        Expect("MRQ004", $"Class 'Square' cannot be an Mrq task: {reason}"));

    [Fact]
    public Task MRQ004_generic_or_hidden_task_class() => VerifyAsync(
        """
        [MrqTask]
        public sealed class {|#0:Box|}<T>
        {
            public void Run(int n) { }
        }

        public sealed class Outer
        {
            [MrqTask]
            private sealed class {|#1:Hidden|}
            {
                public void Run(int n) { }
            }
        }
        """,
        Expect("MRQ004", "Class 'Box' cannot be an Mrq task: generic classes, and classes nested in generic types, are not supported", 0),
        Expect("MRQ004", "Class 'Hidden' cannot be an Mrq task: generated code cannot see it; it must be public or internal, and so must every type containing it", 1));

    [Fact]
    public Task MRQ005_duplicate_task_path() => VerifyAsync(
        """
        [MrqTask({|#0:Path = "tasks.Square"|})]
        public sealed class Square
        {
            public int Run(int n) => n * n;
        }

        [MrqTask({|#1:Path = "tasks.Square"|}, Queue = "other")]
        public sealed class SquareAgain
        {
            public int Run(int n) => n * n;
        }

        namespace tasks
        {
            [MrqTask]
            public sealed class {|#2:Cube|}
            {
                public int Run(int n) => n * n * n;
            }

            [MrqTask({|#3:Path = "tasks.Cube"|})]
            public sealed class Unrelated
            {
                public int Run(int n) => n;
            }
        }
        """,
        Expect("MRQ005", "The task path 'tasks.Square' is used by several tasks (Square, SquareAgain); task paths must be unique", 0),
        Expect("MRQ005", "The task path 'tasks.Square' is used by several tasks (Square, SquareAgain); task paths must be unique", 1),
        Expect("MRQ005", "The task path 'tasks.Cube' is used by several tasks (tasks.Cube, tasks.Unrelated); task paths must be unique", 2),
        Expect("MRQ005", "The task path 'tasks.Cube' is used by several tasks (tasks.Cube, tasks.Unrelated); task paths must be unique", 3));

    [Fact]
    public Task MRQ006_invalid_option() => VerifyAsync(
        """
        [MrqTask({|#0:Queue = ""|}, {|#1:Timeout = -5|}, {|#2:MaxRetries = -2|}, RetryDelay = -1)]
        public sealed class Square
        {
            public int Run(int n) => n * n;
        }
        """,
        Expect("MRQ006", "Invalid value for MrqTask option 'Queue': Queue must not be empty; omit it to use the default", 0),
        Expect("MRQ006", "Invalid value for MrqTask option 'Timeout': Timeout must be 0 (the configured default) or a positive number, not -5", 1),
        Expect("MRQ006", "Invalid value for MrqTask option 'MaxRetries': MaxRetries must be -1 (the configured default) or a number ≥ 0, not -2", 2));

    [Fact]
    public Task MRQ007_no_usable_constructor() => VerifyAsync(
        """
        public interface IClock { }

        [MrqTask]
        public sealed class {|#0:Ambiguous|}
        {
            public Ambiguous(IClock clock) { }

            public Ambiguous(IServiceProvider services) { }

            public void Run() { }
        }

        [MrqTask]
        public sealed class {|#1:Private|}
        {
            private Private() { }

            public void Run() { }
        }
        """,
        Expect("MRQ007", "Task class 'Ambiguous' cannot be constructed: it has 2 public constructors with 1 parameters; keep one, whose parameters are resolved from dependency injection", 0),
        Expect("MRQ007", "Task class 'Private' cannot be constructed: it has no public constructor", 1));

    [Fact]
    public Task A_valid_task_has_no_diagnostics() => VerifyAsync(
        """
        public sealed record Point(double X, double Y);

        [MrqTask(Path = "tasks.Square", Queue = "square", Timeout = 10, MaxRetries = 0)]
        public sealed class Square(IServiceProvider services)
        {
            public async Task<List<Point>> RunAsync(int n, Point origin, JobContext context, CancellationToken cancellationToken)
            {
                await Task.Delay(n, cancellationToken);
                return [origin, new Point(n, context.RetryCount + services.GetHashCode())];
            }
        }
        """);

    [Fact]
    public void Every_descriptor_is_an_error_that_cannot_be_configured_and_has_a_help_page()
    {
        var descriptors = new TaskAnalyzer().SupportedDiagnostics;
        Assert.Equal(["MRQ001", "MRQ002", "MRQ003", "MRQ004", "MRQ005", "MRQ006", "MRQ007"], descriptors.Select(static d => d.Id));
        foreach (var descriptor in descriptors)
        {
            Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            Assert.Contains(WellKnownDiagnosticTags.NotConfigurable, descriptor.CustomTags);
            Assert.Equal($"docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
            Assert.True(File.Exists(Infrastructure.GeneratorHarness.RepositoryFile(descriptor.HelpLinkUri)), $"{descriptor.HelpLinkUri} is missing.");
        }
    }

    // Testing 1.1.4 cannot resolve net10.0 reference packs from NuGet (ReferenceAssemblies.Net.Net100 fails), and the
    // net9.0 ones reject Mrq.Abstractions (built against System.Runtime 10): compile against the running framework.
    private static readonly ReferenceAssemblies s_net10 = new("net10.0");

    private static readonly Lazy<MetadataReference[]> s_frameworkAssemblies = new(static () =>
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(static path => string.Equals(Path.GetDirectoryName(path) + Path.DirectorySeparatorChar, System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), StringComparison.Ordinal))
            .Where(static path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(static path => MetadataReference.CreateFromFile(path)),
    ]);

    private static DiagnosticResult Expect(string id, string message, int location = 0) =>
        new DiagnosticResult(id, DiagnosticSeverity.Error).WithLocation(location).WithMessage(message);

    private static async Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TaskAnalyzer, DefaultVerifier>
        {
            TestCode = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\nusing Mrq;\n\n" + source,
            ReferenceAssemblies = s_net10,
            CompilerDiagnostics = CompilerDiagnostics.Warnings,
        };
        test.DisabledDiagnostics.Add("CS1591"); // The testing framework turns on documentation mode.
        test.TestState.AdditionalReferences.AddRange(s_frameworkAssemblies.Value);
        test.TestState.AdditionalReferences.Add(typeof(MrqTaskAttribute).Assembly);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }
}
