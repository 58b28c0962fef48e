using MessagePack;

namespace Mrq.Tests.Operations;

/// <summary>Jobs of the tasks in tests/Mrq.Tests.WorkerHost (the test project does not reference its assembly).</summary>
internal static class HostJobs
{
    /// <summary><c>host.Sleep</c>: holds its slot for <paramref name="ms"/> milliseconds, stops when interrupted.</summary>
    public static JobRequest Sleep(int ms, string queue = "default") => new("host.Sleep", Params(("ms", ms)), queue);

    /// <summary><c>host.Mark</c>: creates a file named after its id in <paramref name="directory"/> at each start, then holds its slot.</summary>
    public static JobRequest Mark(string directory, int ms, string queue = "default") => new("host.Mark", Params(("directory", directory), ("ms", ms)), queue);

    /// <summary>How many times each job of <c>host.Mark</c> started, from the files it left in <paramref name="directory"/>.</summary>
    public static Dictionary<string, int> Runs(string directory) =>
        System.IO.Directory.GetFiles(directory).Select(f => Path.GetFileName(f).Split('.')[0]).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

    /// <summary><c>host.Leak</c>: keeps <paramref name="mb"/> more megabytes alive in its worker process, then holds its slot.</summary>
    public static JobRequest Leak(int mb, int ms, string queue = "default") => new("host.Leak", Params(("mb", mb), ("ms", ms)), queue);

    /// <summary><c>host.Rendezvous</c>: blocks its thread until <paramref name="parties"/> jobs of <paramref name="meeting"/> run at once.</summary>
    public static JobRequest Rendezvous(string meeting, int parties) => new("host.Rendezvous", Params(("meeting", meeting), ("parties", parties)), "default");

    private static byte[] Params(params (string Name, object Value)[] values) =>
        MessagePackSerializer.Serialize(values.ToDictionary(v => v.Name, v => v.Value));
}
