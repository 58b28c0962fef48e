using System.Buffers;
using BenchmarkDotNet.Attributes;
using Mrq.Infrastructure;

namespace Mrq.Benchmarks;

/// <summary>
/// The per-job CPU path of generated code: serializing params in <c>Tasks.Square.Job(n)</c> (client side), and the
/// worker side: dispatch lookup in <see cref="TaskCatalog"/> and the generated invoker (read params, run, write result).
/// </summary>
[MemoryDiagnoser]
public class ParamsBenchmarks
{
    private readonly ArrayBufferWriter<byte> _result = new(256);
    private readonly BenchContext _context = new();
    private ReadOnlyMemory<byte> _params;
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        _params = Tasks.Square.Job(n: 42).Params;

        // A path string that is not the interned literal, as read from the store.
        _path = new string(Tasks.Square.Path.AsSpan());
    }

    [Benchmark(Description = "Job(n): serialize params")]
    public JobRequest Serialize() => Tasks.Square.Job(n: 42);

    [Benchmark(Description = "invoker: deserialize + run + result")]
    public int Invoke()
    {
        _result.ResetWrittenCount();
        _ = Tasks.Square.Invoke(_context, _params, _result);
        return _result.WrittenCount;
    }

    [Benchmark(Description = "TaskCatalog.TryFind (dispatch)")]
    public bool Dispatch() => TaskCatalog.TryFind(_path, out _);

    [Benchmark(Description = "dispatch + invoke")]
    public int DispatchAndInvoke()
    {
        _result.ResetWrittenCount();
        if (TaskCatalog.TryFind(_path, out var task))
        {
            _ = task.Invoke(_context, _params, _result);
        }

        return _result.WrittenCount;
    }

    private sealed class BenchContext : JobContext
    {
        public override JobId Id { get; } = JobId.NewId();

        public override string Path => Tasks.Square.Path;

        public override string Queue => "square";

        public override int RetryCount => 0;

        public override CancellationToken CancellationToken => CancellationToken.None;

        public override IServiceProvider Services => EmptyServices.Instance;
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
