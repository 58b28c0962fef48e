using System.Runtime.CompilerServices;

namespace Mrq.Tests.Generated;

// Real task classes compiled through the generator (the project references it as an analyzer). Each task hands what it
// received to Received.Value, so tests can compare it with what they passed, and returns it as its result.

/// <summary>Where a running task leaves what it received; flows into async tasks with the execution context.</summary>
internal static class Received
{
    private static readonly AsyncLocal<StrongBox<object?>> s_box = new();

    public static object? Value
    {
        get => s_box.Value?.Value;
        set => (s_box.Value ?? throw new InvalidOperationException("Call Received.Start() first.")).Value = value;
    }

    public static void Start() => s_box.Value = new StrongBox<object?>();
}

public enum Priority : byte
{
    Low = 1,
    High = 200,
}

public enum Delta : long
{
    Min = long.MinValue,
    Zero = 0,
}

public sealed record Scalars(
    bool B,
    sbyte SB,
    byte By,
    short S,
    ushort US,
    int I,
    uint UI,
    long L,
    ulong UL,
    float F,
    double D,
    decimal M,
    string Str,
    string? NullStr,
    char C,
    Guid G,
    DateTime Dt,
    DateTimeOffset Dto,
    TimeSpan Ts,
    Priority P,
    Delta Delta,
    int? NI,
    int? NullInt,
    Priority? NP);

[MrqTask(Path = "tests.generated.Scalars", Queue = "scalars")]
public sealed class ScalarsTask
{
    public Scalars Run(
        bool b, sbyte sb, byte by, short s, ushort us, int i, uint ui, long l, ulong ul, float f, double d, decimal m,
        string str, string? nullStr, char c, Guid g, DateTime dt, DateTimeOffset dto, TimeSpan ts, Priority p, Delta delta,
        int? ni, int? nullInt, Priority? np)
    {
        var scalars = new Scalars(b, sb, by, s, us, i, ui, l, ul, f, d, m, str, nullStr, c, g, dt, dto, ts, p, delta, ni, nullInt, np);
        Received.Value = scalars;
        return scalars;
    }
}

public sealed record Address(string Street, int? Number, IReadOnlyList<string> Lines);

public sealed record Customer(string Name, Address? Home, List<Address> Others, Dictionary<string, int> Scores)
{
    public string? Note { get; init; }

    public int Visits { get; set; } = 7;

    public int NameLength => Name.Length;
}

public sealed class Node
{
    public int Value { get; set; }

    public List<Node>? Children { get; set; }
}

public readonly record struct Point(double X, double Y);

public struct MutablePoint
{
    public int X { get; set; }

    public int Y { get; set; }
}

public sealed class Immutable
{
    public Immutable(string name, int count = 3)
    {
        Name = name;
        Count = count;
    }

    public string Name { get; }

    public int Count { get; }
}

public sealed class WithRequired
{
    public required string Id { get; init; }

    public required int Size { get; set; }
}

public sealed record Objects(Customer Customer, Node Tree, Point Point, Point? MaybePoint, Point? NoPoint, MutablePoint Mutable, Immutable Immutable, WithRequired Required);

[MrqTask(Path = "tests.generated.Objects")]
public sealed class ObjectsTask
{
    public async Task<Objects> RunAsync(
        Customer customer, Node tree, Point point, Point? maybePoint, Point? noPoint, MutablePoint mutable, Immutable immutable, WithRequired required)
    {
        await Task.Yield();
        var objects = new Objects(customer, tree, point, maybePoint, noPoint, mutable, immutable, required);
        Received.Value = objects;
        return objects;
    }
}

public sealed class Collections
{
    public required int[] Array { get; init; }

    public required List<string> List { get; init; }

    public required IList<long> IList { get; init; }

    public required ICollection<double> ICollection { get; init; }

    public required IEnumerable<int> IEnumerable { get; init; }

    public required IReadOnlyList<Point> IReadOnlyList { get; init; }

    public required IReadOnlyCollection<Priority> IReadOnlyCollection { get; init; }

    public required Dictionary<string, int> Dictionary { get; init; }

    public required IDictionary<string, List<int>> IDictionary { get; init; }

    public required IReadOnlyDictionary<string, Address?> IReadOnlyDictionary { get; init; }

    public required int[][] Jagged { get; init; }

    public required List<int?> NullableItems { get; init; }

    public required byte[]? Bytes { get; init; }

    public required List<string>? NoList { get; init; }
}

[MrqTask(Path = "tests.generated.Collections")]
public sealed class CollectionsTask
{
    public ValueTask<Collections> RunAsync(
        int[] array, List<string> list, IList<long> iList, ICollection<double> iCollection, IEnumerable<int> iEnumerable,
        IReadOnlyList<Point> iReadOnlyList, IReadOnlyCollection<Priority> iReadOnlyCollection, Dictionary<string, int> dictionary,
        IDictionary<string, List<int>> iDictionary, IReadOnlyDictionary<string, Address?> iReadOnlyDictionary, int[][] jagged,
        List<int?> nullableItems, byte[]? bytes, List<string>? noList, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var collections = new Collections
        {
            Array = array,
            List = list,
            IList = iList,
            ICollection = iCollection,
            IEnumerable = iEnumerable,
            IReadOnlyList = iReadOnlyList,
            IReadOnlyCollection = iReadOnlyCollection,
            Dictionary = dictionary,
            IDictionary = iDictionary,
            IReadOnlyDictionary = iReadOnlyDictionary,
            Jagged = jagged,
            NullableItems = nullableItems,
            Bytes = bytes,
            NoList = noList,
        };
        Received.Value = collections;
        return ValueTask.FromResult(collections);
    }
}

[MrqTask(Path = "tests.generated.Defaults")]
public sealed class DefaultsTask
{
    public string Run(int required, int factor = 2, string name = "x", Priority priority = Priority.High, decimal amount = 1.5m, double? ratio = null)
    {
        var text = FormattableString.Invariant($"{required}|{factor}|{name}|{priority}|{amount}|{ratio?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}");
        Received.Value = text;
        return text;
    }
}

[MrqTask(Path = "tests.generated.Nothing")]
public sealed class NothingTask
{
    public static int Runs;

    public void Run() => Interlocked.Increment(ref Runs);
}

/// <summary>A service from dependency injection.</summary>
public interface IGreeter
{
    string Greet(string name);
}

public sealed class Greeter : IGreeter
{
    public string Greet(string name) => "Hello, " + name;
}

/// <summary>A scoped service that records its disposal.</summary>
public sealed class ScopedLog : IDisposable
{
    public List<string> Entries { get; } = [];

    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}

public sealed record GreetingSeen(string Greeting, JobId JobId, string Path, bool TokenMatches, ScopedLog Log, bool TaskDisposedBeforeScope);

[MrqTask(Path = "tests.generated.Greet")]
public sealed class GreetTask(IGreeter greeter, ScopedLog log, IServiceProvider? optional) : IAsyncDisposable
{
    public async Task<string> RunAsync(string name, JobContext context, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var greeting = greeter.Greet(name);
        log.Entries.Add(greeting);
        _seen = new GreetingSeen(greeting, context.Id, context.Path, cancellationToken == context.CancellationToken && optional is not null, log, false);
        return greeting;
    }

    private GreetingSeen? _seen;

    public ValueTask DisposeAsync()
    {
        Received.Value = _seen! with { TaskDisposedBeforeScope = !log.Disposed };
        return default;
    }
}

[MrqTask(Path = "tests.generated.Disposable")]
public sealed class DisposableTask : IDisposable
{
    public static int Disposals;

    public int Run(int n) => n + 1;

    public void Dispose() => Interlocked.Increment(ref Disposals);
}

[MrqTask(Queue = "options", Timeout = 30, MaxRetries = 5, RetryDelay = 10, ResultTtl = 60, AbortTtl = 70, CancelTtl = 80, DefaultTtl = 90, MaxConcurrency = 4)]
public sealed class WithOptions
{
    public void Run()
    {
    }
}

[MrqTask(Path = "tests.generated.Wire")]
public sealed class WireTask
{
    public int Run(int n, decimal m, char c, Guid g, DateTimeOffset dto, TimeSpan ts, Priority p, DateTime dt, string? s, float f) => n;
}

public sealed record Calendar(DateOnly Day, TimeOnly At, DateOnly? MaybeDay, HashSet<string> Tags, ISet<int> Slots, IReadOnlySet<DateOnly> Holidays);

[MrqTask(Path = "tests.generated.Calendar")]
public sealed class CalendarTask
{
    public Calendar Run(DateOnly day, TimeOnly at, DateOnly? maybeDay, HashSet<string> tags, ISet<int> slots, IReadOnlySet<DateOnly> holidays)
    {
        var calendar = new Calendar(day, at, maybeDay, tags, slots, holidays);
        Received.Value = calendar;
        return calendar;
    }
}
