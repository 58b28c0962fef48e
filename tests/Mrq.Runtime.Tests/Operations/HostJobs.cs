using MessagePack;

namespace Mrq.Tests.Operations;

/// <summary>Jobs of the tasks in tests/Mrq.Tests.WorkerHost (the test project does not reference its assembly).</summary>
internal static class HostJobs
{
    /// <summary><c>host.Sleep</c>: holds its slot for <paramref name="ms"/> milliseconds, stops when interrupted.</summary>
    public static JobRequest Sleep(int ms, string queue = "default") => new("host.Sleep", Params(("ms", ms)), queue);

    /// <summary><c>host.Mark</c>: appends its id to <paramref name="file"/> at each start, then holds its slot.</summary>
    public static JobRequest Mark(string file, int ms, string queue = "default") => new("host.Mark", Params(("file", file), ("ms", ms)), queue);

    /// <summary><c>host.Leak</c>: keeps <paramref name="mb"/> more megabytes alive in its worker process.</summary>
    public static JobRequest Leak(int mb, string queue = "default") => new("host.Leak", Params(("mb", mb)), queue);

    private static byte[] Params(params (string Name, object Value)[] values) =>
        MessagePackSerializer.Serialize(values.ToDictionary(v => v.Name, v => v.Value));
}
