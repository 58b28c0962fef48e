using System.Globalization;
using Mrq.Infrastructure;

namespace Mrq.Tests.Worker;

/// <summary>
/// Raw queues for worker tests, registered by hand (the generator's own registration is tested elsewhere). Each raw
/// param is "log:n"; "log:fail" runs a task that throws; anything without a number after the colon is rejected by the
/// factory.
/// </summary>
internal static class TestRawQueues
{
    public const string List = "tests_worker_raw";
    public const string Set = "tests_worker_set";
    public const string NoStorage = "tests_worker_nostorage_raw";

    static TestRawQueues()
    {
        RawQueueCatalog.Register(
            Descriptor(List, []),
            Descriptor(Set, []),
            Descriptor(NoStorage, [JobStatus.Started, JobStatus.Success]));
    }

    public static void EnsureRegistered()
    {
        // Touching the class runs its static constructor once.
    }

    public static JobRequest Factory(string raw)
    {
        var separator = raw.IndexOf(':', StringComparison.Ordinal);
        var log = raw[..separator];
        var rest = raw[(separator + 1)..];
        return rest == "fail"
            ? Tasks.Raise.Job(message: "failing on purpose for " + log)
            : Tasks.Record.Job(log: log, n: int.Parse(rest, CultureInfo.InvariantCulture));
    }

    private static RawQueueDescriptor Descriptor(string name, JobStatus[] noStorage) => new()
    {
        Name = name,
        FactoryName = "Mrq.Tests.Worker.TestRawQueues.Factory",
        Factory = Factory,
        RetryQueue = "tests_retry",
        StatusesNoStorage = noStorage,
    };
}
