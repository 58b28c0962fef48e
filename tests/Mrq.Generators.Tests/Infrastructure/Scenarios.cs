namespace Mrq.Generators.Tests.Infrastructure;

/// <summary>The inputs of the baseline tests: an assembly name and its sources.</summary>
internal static class Scenarios
{
    public static readonly TheoryData<string> Names = ["QueuePerformance", "DependencyInjection", "AllTypes", "EdgeCases", "RawQueues"];

    public static (string AssemblyName, string[] Sources) Get(string name) => name switch
    {
        // The real sample, read from the repository, so the baseline follows it.
        "QueuePerformance" =>
        (
            "QueuePerformance",
            [
                File.ReadAllText(GeneratorHarness.RepositoryFile("samples/QueuePerformance/Tasks.cs")),
                File.ReadAllText(GeneratorHarness.RepositoryFile("samples/QueuePerformance/RawQueueFactories.cs")),
            ]
        ),
        "DependencyInjection" => ("Shop", [DependencyInjection]),
        "AllTypes" => ("Catalog", [AllTypes]),
        "EdgeCases" => ("Edge.Cases-1", [EdgeCases]),
        "RawQueues" => ("Feeds", [RawQueues]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public const string DependencyInjection = """
        using Mrq;

        namespace Shop;

        public interface IMailer
        {
            Task<bool> SendAsync(string to, string body, CancellationToken cancellationToken);
        }

        public sealed class AuditLog
        {
        }

        /// <summary>Constructor dependencies, an optional one, JobContext, CancellationToken, a result and async disposal.</summary>
        [MrqTask(Queue = "mail", Timeout = 30, MaxRetries = 5, RetryDelay = 10, ResultTtl = 60, AbortTtl = 70, CancelTtl = 80, DefaultTtl = 90, MaxConcurrency = 4)]
        public sealed class SendMail(IMailer mailer, AuditLog? audit) : IAsyncDisposable
        {
            public async Task<bool> RunAsync(string to, JobContext context, string body = "Hello", CancellationToken cancellationToken = default)
            {
                _ = audit;
                return await mailer.SendAsync(to, body + context.Path, cancellationToken);
            }

            public ValueTask DisposeAsync() => default;
        }

        /// <summary>No params, no result, synchronous disposal.</summary>
        [MrqTask(Path = "shop.cleanup")]
        internal sealed class Cleanup : IDisposable
        {
            public void Run(JobContext context) => _ = context.Id;

            public void Dispose()
            {
            }
        }

        /// <summary>An async task without result or disposal runs without a state machine.</summary>
        [MrqTask]
        internal sealed class Notify
        {
            public ValueTask RunAsync(Guid userId, CancellationToken cancellationToken) => cancellationToken.IsCancellationRequested ? default : default;
        }

        /// <summary>A synchronous task with a dependency still gets a scope (and so an async invoker).</summary>
        [MrqTask]
        internal sealed class Audit(AuditLog log)
        {
            public void Run(string entry) => _ = (log, entry);
        }
        """;

    public const string AllTypes = """
        using Mrq;

        namespace Catalog;

        public enum Color : byte { Red = 1, Green = 2 }

        public enum Offset : long { Negative = -5, Zero = 0 }

        public sealed record Address(string Street, int? Number);

        public sealed record Customer(string Name, Address? Home, List<Address> Others)
        {
            public string? Note { get; init; }

            public required Dictionary<string, Address> ByName { get; init; }

            public int Visits { get; set; } = 1;

            public int NameLength => Name.Length;
        }

        public sealed class Node
        {
            public int Value { get; set; }

            public List<Node>? Children { get; set; }
        }

        public readonly record struct Point(double X, double Y);

        public sealed class Range
        {
            public Range(int from, int to = 10)
            {
                From = from;
                To = to;
            }

            public int From { get; }

            public int To { get; }
        }

        [MrqTask(Path = "catalog.everything")]
        public sealed class Everything
        {
            public Customer Run(
                bool b, sbyte sb, byte by, short s, ushort us, int i, uint ui, long l, ulong ul, float f, double d, decimal m,
                string str, string? nullableString, char c, Guid g, DateTime dt, DateTimeOffset dto, TimeSpan ts,
                Color color, Offset offset, int? maybe, Color? maybeColor, Point point, Point? maybePoint,
                Customer customer, Customer? maybeCustomer, Node tree, Range range,
                int[] array, int[][] jagged, List<string?> names, IList<long> longs, ICollection<double> doubles,
                IEnumerable<Color> colors, IReadOnlyList<Point> points, IReadOnlyCollection<Address> addresses,
                Dictionary<string, int> counts, IDictionary<string, List<int>> groups, IReadOnlyDictionary<string, Point?> places,
                List<string> moreNames) => customer;
        }

        [MrqTask(Path = "catalog.lookup")]
        public sealed class Lookup
        {
            public Task<IReadOnlyDictionary<string, Customer?>> RunAsync(List<Customer> customers) =>
                Task.FromResult<IReadOnlyDictionary<string, Customer?>>(customers.ToDictionary(c => c.Name, c => (Customer?)c));
        }
        """;

    public const string EdgeCases = """
        using Mrq;

        /// <summary>A task in the global namespace, with keyword and clashing param names.</summary>
        [MrqTask]
        public sealed class Clash
        {
            public long Run(int @class, string writer, string buffer, int Path, int Job, int cancellationToken, int items, int Rest) => 0;
        }

        namespace Edge
        {
            public static class Outer
            {
                /// <summary>A nested task with default values of every kind and tuple-style names.</summary>
                [MrqTask(Path = "edge.\"quoted\".path\\1", Queue = "q\\1")]
                public sealed class Inner
                {
                    public string? Run(
                        int Item2, int Item1 = -1, Kind kind = Kind.Minus, Kind? maybe = null, double ratio = 0.1, float half = 0.5f,
                        decimal money = -1.25m, string text = "a\"b\n", char letter = '\'', long big = long.MinValue, ulong huge = ulong.MaxValue,
                        uint small = 1u, Guid id = default, DateTime when = default, string? none = null, bool flag = true) => null;
                }
            }

            public enum Kind : short { Minus = -1, Plus = 1 }

            /// <summary>A single param named like a generated local.</summary>
            [MrqTask]
            public sealed class Single
            {
                public void Run(List<int> item) { }
            }
        }
        """;

    /// <summary>Every raw queue type, with and without subqueues and options, in a compilation without tasks.</summary>
    public const string RawQueues = """
        using Mrq;

        namespace Feeds
        {
            internal static class Factories
            {
                private static JobRequest Job(string raw) => new("feeds.Fetch", default, "fetch");

                /// <summary>A list with subqueues and its own retry queue.</summary>
                [MrqRawQueue("crawl_raw", RetryQueue = "crawl_retry", HasSubqueues = true)]
                public static JobRequest Crawl(string raw) => Job(raw);

                /// <summary>A set whose jobs are only stored when they fail.</summary>
                [MrqRawQueue("urls_set", StatusesNoStorage = [JobStatus.Started, JobStatus.Success])]
                internal static JobRequest Urls(string? raw) => Job(raw ?? string.Empty);

                /// <summary>A sorted set, its name given as a named constructor argument.</summary>
                [MrqRawQueue(name: "priorities_sorted_set", StatusesNoStorage = new[] { JobStatus.Success })]
                public static JobRequest Priorities(string raw) => Job(raw);

                /// <summary>A timed set that pushes dequeued members back, with subqueues.</summary>
                [MrqRawQueue("refresh_timed_set", PushbackSeconds = 300, HasSubqueues = true)]
                public static JobRequest Refresh(string raw) => Job(raw);

                /// <summary>A timed set without pushback; a keyword as method name.</summary>
                [MrqRawQueue("later_timed_set")]
                public static JobRequest @event(string raw) => Job(raw);
            }

            public static class Outer
            {
                /// <summary>A factory in a nested class.</summary>
                public static class Inner
                {
                    [MrqRawQueue("nested_raw")]
                    public static JobRequest Nested(string raw) => new("feeds.Nested", default, "nested");
                }
            }
        }

        /// <summary>A factory in the global namespace.</summary>
        internal static class GlobalFactories
        {
            [MrqRawQueue("global_set")]
            internal static JobRequest Global(string raw) => new("global", default, "default");
        }
        """;
}
