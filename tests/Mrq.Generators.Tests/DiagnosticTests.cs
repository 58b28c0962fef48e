using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Mrq.Generators.Analyzers;

namespace Mrq.Generators.Tests;

/// <summary>
/// One test per diagnostic: its ID, exact message and exact span, and that nothing else is reported (the testing
/// framework fails on any unexpected diagnostic, compiler warnings included). Both analyzers run in every test.
/// </summary>
public sealed class DiagnosticTests
{
    // Where the diagnostics' help links point: the docs/diagnostics pages of this repository on GitHub.
    private const string RepositoryBlobUrl = "https://github.com/mrq-dotnet/mrq/blob/main/";

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
        [MrqTask({|#0:Path = ""|}, {|#1:Timeout = 0|}, {|#2:MaxRetries = -2|}, RetryDelay = -1, {|#3:ResultTtl = 315360001|}, {|#4:AbortTtl = -1|}, CancelTtl = 315360000, {|#5:MaxConcurrency = -1|})]
        public sealed class Square
        {
            public int Run(int n) => n * n;
        }

        [MrqTask({|#6:Timeout = -5|}, {|#7:RetryDelay = -3|}, {|#8:DefaultTtl = int.MaxValue|})]
        public sealed class Cube
        {
            public int Run(int n) => n * n * n;
        }
        """,
        Expect("MRQ019", "Invalid task path '' for task 'Square': it is empty; omit Path to use the namespace-qualified class name", 0),
        Expect("MRQ006", "Invalid value for MrqTask option 'Timeout': Timeout must be a positive number of seconds, not 0; omit it to use the configured default", 1),
        Expect("MRQ006", "Invalid value for MrqTask option 'MaxRetries': MaxRetries must be -1 (the configured default) or a number ≥ 0, not -2", 2),
        Expect("MRQ006", "Invalid value for MrqTask option 'ResultTtl': ResultTtl must be 0 (the configured default) or a number of seconds up to 315360000 (10 years), not 315360001", 3),
        Expect("MRQ006", "Invalid value for MrqTask option 'AbortTtl': AbortTtl must be 0 (the configured default) or a number of seconds up to 315360000 (10 years), not -1", 4),
        Expect("MRQ006", "Invalid value for MrqTask option 'MaxConcurrency': MaxConcurrency must be 0 (unlimited) or a positive number, not -1", 5),
        Expect("MRQ006", "Invalid value for MrqTask option 'Timeout': Timeout must be a positive number of seconds, not -5; omit it to use the configured default", 6),
        Expect("MRQ006", "Invalid value for MrqTask option 'RetryDelay': RetryDelay must be -1 (the configured default) or a number ≥ 0, not -3", 7),
        Expect("MRQ006", "Invalid value for MrqTask option 'DefaultTtl': DefaultTtl must be 0 (the configured default) or a number of seconds up to 315360000 (10 years), not 2147483647", 8));

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
    public Task MRQ004_MRQ007_obsolete_as_an_error_or_required_members() => VerifyAsync(
        """
        public abstract class Named
        {
            public required string Name { get; init; }
        }

        [MrqTask]
        public sealed class {|#0:Required|} : Named
        {
            public void Run() { }
        }

        [MrqTask]
        public sealed class SetsThem : Named
        {
            [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
            public SetsThem() => Name = "x";

            public void Run() { }
        }

        [MrqTask]
        public sealed class {|#1:OldConstructor|}
        {
            [Obsolete("Use the other one.", true)]
            public OldConstructor() { }

            public void Run() { }
        }

        [MrqTask]
        public sealed class {|#2:OldRun|}
        {
            [Obsolete("Gone.", true)]
            public void Run() { }
        }

        [MrqTask]
        [Obsolete("Gone.", true)]
        public sealed class {|#3:OldClass|}
        {
            public void Run() { }
        }

        [MrqTask]
        [Obsolete("Going.")]
        public sealed class OnlyWarned
        {
            public void Run() { }
        }
        """,
        Expect("MRQ007", "Task class 'Required' cannot be constructed: generated code cannot set its required members (Name); remove 'required', or mark the constructor [SetsRequiredMembers]", 0),
        Expect("MRQ007", "Task class 'OldConstructor' cannot be constructed: its constructor is [Obsolete] as an error", 1),
        Expect("MRQ004", "Class 'OldRun' cannot be an Mrq task: its Run method is [Obsolete] as an error, so the worker cannot call it", 2),
        Expect("MRQ004", "Class 'OldClass' cannot be an Mrq task: it, or a type containing it, is [Obsolete] as an error, so generated code cannot use it", 3));

    [Fact]
    public Task MRQ008_invalid_task_queue_name() => VerifyAsync(
        """
        [MrqTask({|#0:Queue = "high priority"|})]
        public sealed class A { public void Run() { } }

        [MrqTask({|#1:Queue = ""|})]
        public sealed class B { public void Run() { } }

        [MrqTask({|#2:Queue = "jobs*"|})]
        public sealed class C { public void Run() { } }

        [MrqTask({|#3:Queue = "square/"|})]
        public sealed class D { public void Run() { } }

        [MrqTask({|#4:Queue = "a{b}"|})]
        public sealed class E { public void Run() { } }

        [MrqTask({|#5:Queue = "bell\u0007"|})]
        public sealed class F { public void Run() { } }

        [MrqTask(Queue = "square/eu-1:x.y")]
        public sealed class Fine { public void Run() { } }
        """,
        Expect("MRQ008", "Invalid queue name 'high priority' for the Queue of task 'A': it contains a space: whitespace and control characters split worker command lines and corrupt logs", 0),
        Expect("MRQ008", "Invalid queue name '' for the Queue of task 'B': it is empty", 1),
        Expect("MRQ008", "Invalid queue name 'jobs*' for the Queue of task 'C': it contains '*': it is a glob character in Redis key matching (KEYS, SCAN MATCH), where the queue's keys would match other queues' keys", 2),
        Expect("MRQ008", "Invalid queue name 'square/' for the Queue of task 'D': '/' separates a queue from its subqueue, so neither side may be empty", 3),
        Expect("MRQ008", "Invalid queue name 'a{b}' for the Queue of task 'E': it contains '{': braces mark a Redis Cluster hash tag, which would move the queue's keys to another slot", 4),
        Expect("MRQ008", "Invalid queue name 'bell\u0007' for the Queue of task 'F': it contains U+0007: whitespace and control characters split worker command lines and corrupt logs", 5));

    [Fact]
    public Task MRQ008_invalid_raw_queue_and_retry_queue_names() => VerifyAsync(
        """
        public static class Factories
        {
            [MrqRawQueue({|#0:"crawl_raw/eu"|}, {|#1:RetryQueue = "retry?"|})]
            public static JobRequest Crawl(string raw) => new("p", default, "q");

            [MrqRawQueue({|#2:"  "|})]
            public static JobRequest Blank(string raw) => new("p", default, "q");

            [MrqRawQueue("nulls_raw", {|#3:RetryQueue = null|})]
            public static JobRequest Nulls(string raw) => new("p", default, "q");
        }
        """,
        Expect("MRQ008", "Invalid queue name 'crawl_raw/eu' for the raw queue of 'Factories.Crawl': it contains '/': '/' separates a subqueue from its raw queue; declare the root name and set HasSubqueues = true", 0),
        Expect("MRQ008", "Invalid queue name 'retry?' for the RetryQueue of raw queue 'crawl_raw/eu': it contains '?': it is a glob character in Redis key matching (KEYS, SCAN MATCH), where the queue's keys would match other queues' keys", 1),
        Expect("MRQ008", "Invalid queue name '  ' for the raw queue of 'Factories.Blank': it is only whitespace", 2),
        Expect("MRQ008", "Invalid queue name '' for the RetryQueue of raw queue 'nulls_raw': it is null", 3));

    [Fact]
    public Task MRQ009_task_queue_is_a_raw_queue() => VerifyAsync(
        """
        [MrqTask({|#0:Queue = "square_raw"|})]
        public sealed class Square { public int Run(int n) => n * n; }

        [MrqTask({|#1:Queue = "jobs_sorted_set/eu"|})]
        public sealed class Cube { public int Run(int n) => n * n * n; }

        [MrqTask(Queue = "square_raw_reverse")]
        public sealed class NotRaw { public void Run() { } }
        """,
        Expect("MRQ009", "The default queue 'square_raw' of task 'Square' is a raw queue (its name ends in '_raw'); tasks are enqueued on regular queues", 0),
        Expect("MRQ009", "The default queue 'jobs_sorted_set/eu' of task 'Cube' is a raw queue (its name ends in '_sorted_set'); tasks are enqueued on regular queues", 1));

    [Fact]
    public Task MRQ010_raw_queue_name_without_type_suffix() => VerifyAsync(
        """
        public static class Factories
        {
            [MrqRawQueue({|#0:"square_list"|})]
            public static JobRequest List(string raw) => new("p", default, "q");

            [MrqRawQueue({|#1:name: "square"|}, RetryQueue = "retry")]
            public static JobRequest Plain(string raw) => new("p", default, "q");

            [MrqRawQueue({|#2:"square_raw_reverse"|})]
            public static JobRequest Reverse(string raw) => new("p", default, "q");
        }
        """,
        Expect("MRQ010", "The raw queue name 'square_list' does not end in '_raw', '_set', '_sorted_set' or '_timed_set', which give the queue its type", 0),
        Expect("MRQ010", "The raw queue name 'square' does not end in '_raw', '_set', '_sorted_set' or '_timed_set', which give the queue its type", 1),
        Expect("MRQ010", "The raw queue name 'square_raw_reverse' does not end in '_raw', '_set', '_sorted_set' or '_timed_set', which give the queue its type", 2));

    [Fact]
    public Task MRQ011_duplicate_raw_queue_name() => VerifyAsync(
        """
        public static class Factories
        {
            [MrqRawQueue({|#0:"square_raw"|})]
            public static JobRequest SquareRaw(string raw) => new("p", default, "q");

            [MrqRawQueue("square_set")]
            public static JobRequest SquareSet(string raw) => new("p", default, "q");
        }

        public static class More
        {
            [MrqRawQueue({|#1:"square_raw"|}, RetryQueue = "square")]
            public static JobRequest SquareAgain(string raw) => new("p", default, "q");
        }
        """,
        Expect("MRQ011", "The raw queue name 'square_raw' is declared by several factories (Factories.SquareRaw, More.SquareAgain); raw queue names must be unique", 0),
        Expect("MRQ011", "The raw queue name 'square_raw' is declared by several factories (Factories.SquareRaw, More.SquareAgain); raw queue names must be unique", 1));

    [Fact]
    public Task MRQ012_invalid_raw_queue_factory() => VerifyAsync(
        """
        public sealed class Factories
        {
            [MrqRawQueue("a_raw")]
            public JobRequest {|#0:Instance|}(string raw) => new("p", default, "q");

            [MrqRawQueue("b_raw")]
            private static JobRequest {|#1:Hidden|}(string raw) => new("p", default, "q");

            [MrqRawQueue("c_raw")]
            public static JobRequest {|#2:NoParam|}() => new("p", default, "q");

            [MrqRawQueue("d_raw")]
            public static JobRequest WrongParam(int {|#3:raw|}) => new("p", default, "q");

            [MrqRawQueue("e_raw")]
            public static {|#4:string|} WrongReturn(string raw) => raw;

            [MrqRawQueue("f_raw")]
            public static JobRequest {|#5:Generic|}<T>(string raw) => new("p", default, "q");

            [MrqRawQueue("g_raw")]
            public static JobRequest {|#6:Enqueue|}(string raw) => new("p", default, "q");

            [MrqRawQueue("h_raw")]
            public static JobRequest ByRef(ref string {|#7:raw|}) => new("p", default, "q");

            [MrqRawQueue("i_raw")]
            public static {|#8:JobRequest?|} Nullable(string raw) => null;
        }
        """,
        Expect("MRQ012", "Raw queue factory 'Factories.Instance' is invalid: it must be static", 0),
        Expect("MRQ012", "Raw queue factory 'Factories.Hidden' is invalid: generated code cannot see it; it must be public or internal, and so must every type containing it", 1),
        Expect("MRQ012", "Raw queue factory 'Factories.NoParam' is invalid: it must take exactly one parameter, the raw param (a string), not 0", 2),
        Expect("MRQ012", "Raw queue factory 'Factories.WrongParam' is invalid: its parameter must be the raw param, a string passed by value, not 'int'", 3),
        Expect("MRQ012", "Raw queue factory 'Factories.WrongReturn' is invalid: it must return Mrq.JobRequest, not 'string'", 4),
        Expect("MRQ012", "Raw queue factory 'Factories.Generic' is invalid: generic methods, and methods of generic types, are not supported", 5),
        Expect("MRQ012", "Raw queue factory 'Factories.Enqueue' is invalid: its name is also a member of the generated class RawQueues.Enqueue; rename it", 6),
        Expect("MRQ012", "Raw queue factory 'Factories.ByRef' is invalid: its parameter must be the raw param, a string passed by value, not 'string' passed by reference", 7),
        Expect("MRQ012", "Raw queue factory 'Factories.Nullable' is invalid: it must return Mrq.JobRequest, not 'Mrq.JobRequest?'", 8));

    [Fact]
    public Task MRQ013_retry_queue_is_a_raw_queue() => VerifyAsync(
        """
        public static class Factories
        {
            [MrqRawQueue("square_raw", {|#0:RetryQueue = "square_retry_set"|})]
            public static JobRequest SquareRaw(string raw) => new("p", default, "q");

            [MrqRawQueue("cube_raw", RetryQueue = "cube_retry")]
            public static JobRequest CubeRaw(string raw) => new("p", default, "q");
        }
        """,
        Expect("MRQ013", "The RetryQueue 'square_retry_set' of raw queue 'square_raw' is itself a raw queue (its name ends in '_set'); retried and requeued jobs need a regular queue"));

    [Fact]
    public Task MRQ014_invalid_pushback_seconds() => VerifyAsync(
        """
        public static class Factories
        {
            [MrqRawQueue("a_sorted_set", {|#0:PushbackSeconds = 60|})]
            public static JobRequest A(string raw) => new("p", default, "q");

            [MrqRawQueue("b_timed_set", {|#1:PushbackSeconds = -1|})]
            public static JobRequest B(string raw) => new("p", default, "q");

            [MrqRawQueue("c_raw", PushbackSeconds = 0)]
            public static JobRequest C(string raw) => new("p", default, "q");

            [MrqRawQueue("d_timed_set", PushbackSeconds = 60)]
            public static JobRequest D(string raw) => new("p", default, "q");
        }
        """,
        Expect("MRQ014", "Invalid PushbackSeconds for raw queue 'a_sorted_set': only timed sets ('_timed_set') push dequeued members back; this queue is a sorted set ('_sorted_set')", 0),
        Expect("MRQ014", "Invalid PushbackSeconds for raw queue 'b_timed_set': it must be 0 (dequeued members are removed) or a positive number of seconds, not -1", 1));

    [Fact]
    public Task MRQ015_invalid_statuses_no_storage() => VerifyAsync(
        """
        public static class Factories
        {
            [MrqRawQueue("a_raw", StatusesNoStorage = [JobStatus.Started, {|#0:JobStatus.Queued|}, {|#1:JobStatus.Retry|}, {|#2:JobStatus.Interrupt|}, {|#3:JobStatus.Started|}])]
            public static JobRequest A(string raw) => new("p", default, "q");

            [MrqRawQueue("b_raw", StatusesNoStorage = new[] { {|#4:(JobStatus)42|} })]
            public static JobRequest B(string raw) => new("p", default, "q");

            [MrqRawQueue("c_raw", StatusesNoStorage = new JobStatus[] { JobStatus.Started, JobStatus.Success, JobStatus.Failed, JobStatus.MaxRetries, JobStatus.Abort, JobStatus.Cancel, JobStatus.Timeout, JobStatus.MaxConcurrency })]
            public static JobRequest C(string raw) => new("p", default, "q");
        }
        """,
        Expect("MRQ015", "StatusesNoStorage of raw queue 'a_raw' cannot contain JobStatus.Queued: a raw job is never queued before it runs, and once requeued it is found through its stored 'queued' document; not storing it would lose the job", 0),
        Expect("MRQ015", "StatusesNoStorage of raw queue 'a_raw' cannot contain JobStatus.Retry: a job waiting for its retry is requeued from its stored 'retry' document; not storing it would drop a job that asked to run again", 1),
        Expect("MRQ015", "StatusesNoStorage of raw queue 'a_raw' cannot contain JobStatus.Interrupt: jobs stopped with their worker are requeued from their stored 'interrupt' document; not storing it would lose them", 2),
        Expect("MRQ015", "StatusesNoStorage of raw queue 'a_raw' cannot contain JobStatus.Started: it is listed twice", 3),
        Expect("MRQ015", "StatusesNoStorage of raw queue 'b_raw' cannot contain '42': it is not a job status", 4));

    [Fact]
    public Task MRQ016_factories_generating_the_same_class() => VerifyAsync(
        """
        namespace Shop
        {
            public static class Orders
            {
                [MrqRawQueue("orders_raw")]
                public static JobRequest {|#0:Import|}(string raw) => new("p", default, "q");
            }

            public static class Customers
            {
                [MrqRawQueue("customers_raw")]
                public static JobRequest {|#1:Import|}(string raw) => new("p", default, "q");

                [MrqRawQueue("other_raw")]
                public static JobRequest Other(string raw) => new("p", default, "q");
            }
        }

        namespace Elsewhere
        {
            public static class Orders
            {
                [MrqRawQueue("elsewhere_raw")]
                public static JobRequest Import(string raw) => new("p", default, "q");
            }
        }
        """,
        Expect("MRQ016", "The raw queue factories Shop.Customers.Import, Shop.Orders.Import would all generate the class 'Shop.RawQueues.Import'; rename all but one of them", 0),
        Expect("MRQ016", "The raw queue factories Shop.Customers.Import, Shop.Orders.Import would all generate the class 'Shop.RawQueues.Import'; rename all but one of them", 1));

    [Fact]
    public Task MRQ017_async_void_Run() => VerifyAsync(
        """
        [MrqTask]
        public sealed class Notify
        {
            public async void {|#0:Run|}(string to) => await Task.Delay(to.Length);
        }
        """,
        Expect("MRQ017", "The Run method of task 'Notify' is async void: the worker cannot await it, so the job ends at its first await and an exception after it crashes the process; return Task instead", severity: DiagnosticSeverity.Warning));

    [Fact]
    public Task MRQ018_blocking_wait_in_Run() => VerifyAsync(
        """
        public sealed class Holder
        {
            public int Result => 1;
        }

        [MrqTask]
        public sealed class Download
        {
            public int Run(string url)
            {
                var text = {|#0:Fetch(url).Result|};
                {|#1:Fetch(url).Wait()|};
                var again = {|#2:Fetch(url).ConfigureAwait(false).GetAwaiter().GetResult()|};
                Func<int> later = () => {|#3:new ValueTask<int>(1).Result|};
                var mine = new Holder().Result;
                return text.Length + again.Length + later() + mine;
            }

            public static string NotRun(string url) => Fetch(url).Result;

            private static Task<string> Fetch(string url) => Task.FromResult(url);
        }
        """,
        Expect("MRQ018", "The Run method of task 'Download' blocks a worker thread with '.Result'; make it async and await the task instead", 0, DiagnosticSeverity.Warning),
        Expect("MRQ018", "The Run method of task 'Download' blocks a worker thread with '.Wait()'; make it async and await the task instead", 1, DiagnosticSeverity.Warning),
        Expect("MRQ018", "The Run method of task 'Download' blocks a worker thread with '.GetAwaiter().GetResult()'; make it async and await the task instead", 2, DiagnosticSeverity.Warning),
        Expect("MRQ018", "The Run method of task 'Download' blocks a worker thread with '.Result'; make it async and await the task instead", 3, DiagnosticSeverity.Warning));

    [Fact]
    public Task Valid_raw_queues_have_no_diagnostics() => VerifyAsync(
        """
        [MrqTask(Path = "tasks.Square", Queue = "square")]
        public sealed class Square
        {
            public int Run(int n) => n * n;
        }

        // The analyzers run without the generator here, so the factories build their jobs by hand.
        #nullable enable
        internal static class Factories
        {
            [MrqRawQueue("square_raw")]
            public static JobRequest SquareRaw(string raw) => new("tasks.Square", default, "square");

            [MrqRawQueue("square_nostorage_raw", StatusesNoStorage = [JobStatus.Started, JobStatus.Success], RetryQueue = "square/retry")]
            internal static JobRequest SquareNoStorage(string? raw) => new("tasks.Square", default, raw ?? "square");

            [MrqRawQueue("square_timed_set", PushbackSeconds = 30, HasSubqueues = true)]
            public static JobRequest SquareTimed(string raw) => new("tasks.Square", default, "square");

            [MrqRawQueue("square_sorted_set", RetryQueue = "square")]
            public static JobRequest SquareSorted(string raw) => new("tasks.Square", default, "square");
        }
        """);

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
    public Task MRQ001_finds_an_inherited_Run_and_respects_overrides_and_hiding() => VerifyAsync(
        """
        public abstract class Handler<T>
        {
            public abstract int Run(T item);
        }

        public class Squarer
        {
            public virtual int Run(int n) => n * n;
        }

        public class Loud
        {
            public int Run(int n) => n;
        }

        [MrqTask]
        public sealed class Inherited : Squarer
        {
        }

        [MrqTask]
        public sealed class Overridden : Squarer
        {
            public override int Run(int n) => n + 1;
        }

        [MrqTask]
        public sealed class FromGeneric : Handler<string>
        {
            public override int Run(string item) => item.Length;
        }

        [MrqTask]
        public sealed class Hiding : Loud
        {
            public new int Run(int n) => -n;
        }

        [MrqTask]
        public sealed class Async : Squarer
        {
            public Task<int> RunAsync(long n) => Task.FromResult((int)n);

            public new static int Run(int n) => n;
        }
        """);

    [Fact]
    public Task MRQ001_MRQ002_an_inherited_Run_counts_with_the_class_own_ones() => VerifyAsync(
        """
        public class Squarer
        {
            public int {|#0:Run|}(int n) => n * n;
        }

        public class Hidden
        {
            public int Run(int n) => n;
        }

        [MrqTask]
        public sealed class Overloaded : Squarer
        {
            public int {|#1:Run|}(string text) => text.Length;
        }

        [MrqTask]
        public sealed class {|#2:ByProperty|} : Hidden
        {
            public new int Run => 0;
        }
        """,
        Expect("MRQ002", "Task class 'Overloaded' has 2 public Run or RunAsync methods; it must have exactly one", 1),
        Expect("MRQ002", "Task class 'Overloaded' has 2 public Run or RunAsync methods; it must have exactly one", 0),
        Expect("MRQ001", "Task class 'ByProperty' has no public instance method named Run or RunAsync", 2));

    [Fact]
    public Task MRQ012_raw_queue_factory_that_is_a_local_function_or_a_lambda() => VerifyAsync(
        """
        namespace App
        {
            public static class Factories
            {
                public static void Register()
                {
                    [MrqRawQueue("local_raw")]
                    static JobRequest {|#0:Local|}(string raw) => new("p", default, "q");

                    Func<string, JobRequest> lambda = [{|#1:MrqRawQueue("lambda_raw")|}] (string raw) => new("p", default, "q");
                    _ = (Local("x"), lambda);
                }
            }
        }
        """,
        Expect("MRQ012", "Raw queue factory 'App.Factories.Register.Local' is invalid: it is a local function, which generated code cannot call; make it a static method of a class", 0),
        Expect("MRQ012", "Raw queue factory 'App.Factories.Register (lambda)' is invalid: it is a lambda, which generated code cannot call; make it a static method of a class", 1));

    [Fact]
    public Task MRQ019_invalid_task_path() => VerifyAsync(
        """
        [MrqTask({|#0:Path = " "|})]
        public sealed class Blank { public void Run() { } }

        [MrqTask({|#1:Path = "billing charge"|})]
        public sealed class Spaced { public void Run() { } }

        [MrqTask({|#2:Path = "billing,charge"|})]
        public sealed class Comma { public void Run() { } }

        [MrqTask({|#3:Path = "billing\tcharge"|})]
        public sealed class Tab { public void Run() { } }

        [MrqTask({|#4:Path = "billing\u0001charge"|})]
        public sealed class Control { public void Run() { } }

        [MrqTask(Path = "billing.charge/v2:eu")]
        public sealed class Valid { public void Run() { } }
        """,
        Expect("MRQ019", "Invalid task path ' ' for task 'Blank': it contains a space: worker task lists (--task_whitelist, --task_blacklist) split on whitespace and commas, so the task could never be listed there", 0),
        Expect("MRQ019", "Invalid task path 'billing charge' for task 'Spaced': it contains a space: worker task lists (--task_whitelist, --task_blacklist) split on whitespace and commas, so the task could never be listed there", 1),
        Expect("MRQ019", "Invalid task path 'billing,charge' for task 'Comma': it contains ',': worker task lists (--task_whitelist, --task_blacklist) split on whitespace and commas, so the task could never be listed there", 2),
        Expect("MRQ019", "Invalid task path 'billing\\tcharge' for task 'Tab': it contains a tab: worker task lists (--task_whitelist, --task_blacklist) split on whitespace and commas, so the task could never be listed there", 3),
        Expect("MRQ019", "Invalid task path 'billing\\u0001charge' for task 'Control': it contains U+0001: control characters corrupt logs and command lines", 4));

    [Fact]
    public Task MRQ020_generated_class_clashes_with_a_declaration() => VerifyAsync(
        """
        namespace Shop
        {
            public sealed class Tasks { }

            [MrqTask]
            public sealed class {|#0:Charge|} { public void Run() { } }
        }

        namespace Ledger
        {
            [MrqTask]
            public sealed class {|#1:Tasks|} { public void Run() { } }
        }

        namespace Feeds
        {
            public static class Factories
            {
                [MrqRawQueue("crawl_raw")]
                public static JobRequest {|#2:Crawl|}(string raw) => new("p", default, "q");
            }

            public static class RawQueues
            {
                [MrqRawQueue("fetch_raw")]
                public static JobRequest {|#3:Fetch|}(string raw) => new("p", default, "q");
            }
        }

        namespace Jobs
        {
            [MrqTask]
            public sealed class {|#4:Import|} { public void Run() { } }
        }

        namespace Jobs.Tasks
        {
            public sealed class Helper { }
        }

        namespace Members
        {
            public static partial class Tasks
            {
                public static int Charge() => 1;
            }

            static partial class RawQueues
            {
                internal const int Crawl = 1;
            }

            [MrqTask]
            public sealed class {|#5:Charge|} { public void Run() { } }

            public static class Factories
            {
                [MrqRawQueue("members_raw")]
                public static JobRequest {|#6:Crawl|}(string raw) => new("p", default, "q");
            }
        }

        namespace Fine
        {
            public static partial class Tasks
            {
                public static int Helper() => 1;

                public static partial class Charge
                {
                    public static int Two() => 2;
                }
            }

            [MrqTask]
            public sealed class Charge { public void Run() { } }
        }
        """,
        Expect("MRQ020", "The class 'Shop.Tasks' that Mrq generates for task 'Charge' clashes with the type 'Shop.Tasks', which is not a static partial class; rename it, or make it 'static partial class Tasks'", 0),
        Expect("MRQ020", "The class 'Ledger.Tasks' that Mrq generates for task 'Tasks' clashes with the task class itself; rename it", 1),
        Expect("MRQ020", "The class 'Feeds.RawQueues' that Mrq generates for raw queue factory 'Feeds.Factories.Crawl' clashes with the type 'Feeds.RawQueues', which is not a static partial class; rename it, or make it 'static partial class RawQueues'", 2),
        Expect("MRQ020", "The class 'Feeds.RawQueues.Fetch' that Mrq generates for raw queue factory 'Feeds.RawQueues.Fetch' clashes with the factory itself; declare it in a class not named RawQueues", 3),
        Expect("MRQ020", "The class 'Jobs.Tasks' that Mrq generates for task 'Import' clashes with the namespace 'Jobs.Tasks'; rename that namespace, or use another one", 4),
        Expect("MRQ020", "The class 'Members.Tasks' that Mrq generates for task 'Charge' clashes with the member 'Members.Tasks.Charge()', which is not a static partial class; rename it", 5),
        Expect("MRQ020", "The class 'Members.RawQueues' that Mrq generates for raw queue factory 'Members.Factories.Crawl' clashes with the member 'Members.RawQueues.Crawl', which is not a static partial class; rename it", 6));

    [Fact]
    public Task MRQ021_tasks_generating_the_same_facade_class() => VerifyAsync(
        """
        namespace Shop
        {
            [MrqTask(Path = "shop.job")]
            public sealed class {|#0:Job|} { public void Run() { } }

            [MrqTask(Path = "shop.jobtask")]
            public sealed class {|#1:JobTask|} { public void Run() { } }

            public static class Enqueue
            {
                [MrqTask]
                public sealed class {|#2:EnqueueTask|} { public void Run() { } }
            }
        }
        """,
        Expect("MRQ021", "The façade class 'Shop.Tasks.JobTask' of task 'Shop.Job' is also the façade of 'Shop.JobTask'; rename the task class", 0),
        Expect("MRQ021", "The façade class 'Shop.Tasks.JobTask' of task 'Shop.JobTask' is also the façade of 'Shop.Job'; rename the task class", 1),
        Expect("MRQ021", "The façade class 'Shop.Tasks.EnqueueTask.EnqueueTask' of task 'Shop.Enqueue.EnqueueTask' would have the name of the class containing it; rename the task class", 2));

    [Fact]
    public void Every_descriptor_has_a_stable_id_a_fitting_severity_and_a_help_page()
    {
        var descriptors = new TaskAnalyzer().SupportedDiagnostics
            .Concat(new RawQueueAnalyzer().SupportedDiagnostics)
            .DistinctBy(static d => d.Id)
            .OrderBy(static d => d.Id, StringComparer.Ordinal)
            .ToList();
        Assert.Equal([.. Enumerable.Range(1, 21).Select(static i => $"MRQ{i:000}")], descriptors.Select(static d => d.Id));
        foreach (var descriptor in descriptors)
        {
            // Warnings describe code that works, so they may be configured; errors describe code that would fail.
            var isWarning = descriptor.Id is "MRQ017" or "MRQ018";
            Assert.Equal(isWarning ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            Assert.Equal(!isWarning, descriptor.CustomTags.Contains(WellKnownDiagnosticTags.NotConfigurable));
            // An absolute link (IDEs and build logs show it outside the repository) to the page in this repository.
            Assert.True(Uri.TryCreate(descriptor.HelpLinkUri, UriKind.Absolute, out var link), $"{descriptor.HelpLinkUri} is not absolute.");
            Assert.Equal(Uri.UriSchemeHttps, link.Scheme);
            Assert.Equal(RepositoryBlobUrl + $"docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
            var page = Infrastructure.GeneratorHarness.RepositoryFile(descriptor.HelpLinkUri[RepositoryBlobUrl.Length..]);
            Assert.True(File.Exists(page), $"{descriptor.HelpLinkUri} has no page in the repository.");
            var text = File.ReadAllText(page);
            Assert.StartsWith($"# {descriptor.Id}: ", text, StringComparison.Ordinal);
            Assert.Contains("## Wrong", text, StringComparison.Ordinal);
            Assert.Contains("## Fixed", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_descriptor_is_in_the_release_tracking_file_with_its_category_and_severity()
    {
        var unshipped = File.ReadAllLines(Infrastructure.GeneratorHarness.RepositoryFile("src/Mrq.Generators/AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in new TaskAnalyzer().SupportedDiagnostics.Concat(new RawQueueAnalyzer().SupportedDiagnostics))
        {
            var row = Assert.Single(unshipped, line => line.StartsWith(descriptor.Id + " ", StringComparison.Ordinal));
            var cells = row.Split('|').Select(static c => c.Trim()).ToArray();
            Assert.Equal((descriptor.Category, descriptor.DefaultSeverity.ToString()), (cells[1], cells[2]));
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

    private static DiagnosticResult Expect(string id, string message, int location = 0, DiagnosticSeverity severity = DiagnosticSeverity.Error) =>
        new DiagnosticResult(id, severity).WithLocation(location).WithMessage(message);

    private static async Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new MrqAnalyzersTest
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

    // Both analyzers at once, so a test also fails on any diagnostic the other one would add.
    private sealed class MrqAnalyzersTest : CSharpAnalyzerTest<TaskAnalyzer, DefaultVerifier>
    {
        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => [new TaskAnalyzer(), new RawQueueAnalyzer()];
    }
}
