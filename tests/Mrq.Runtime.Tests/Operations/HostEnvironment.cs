using Mrq.Storage;
using Mrq.Tests.Support;

namespace Mrq.Tests.Operations;

/// <summary>
/// A temporary working directory with an embedded store (<c>mrq.db</c>) shared by the test, which enqueues and reads
/// jobs, and the worker processes of tests/Mrq.Tests.WorkerHost it starts there.
/// </summary>
internal sealed class HostEnvironment : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _directory = new();
    private readonly List<ChildProcess> _workers = [];

    public HostEnvironment()
    {
        DatabasePath = _directory.File("mrq.db");
        Client = (StoreClient)MrqClient.Create(new() { EmbeddedDb = DatabasePath });
    }

    public string DatabasePath { get; }

    public string Directory => _directory.Path;

    public StoreClient Client { get; }

    public IJobStore Store => Client.Store;

    public string File(string name) => _directory.File(name);

    /// <summary>Writes the working directory's <c>mrq-config.json</c>.</summary>
    public Task WriteConfigAsync(string json) => System.IO.File.WriteAllTextAsync(File("mrq-config.json"), json);

    /// <summary>Starts <c>worker ARGS</c> polling every 50 ms; disposed (killed if still running) with the environment.</summary>
    public ChildProcess StartWorker(params string[] arguments)
    {
        var worker = ChildProcess.StartWorkerHost(Directory, ["worker", .. arguments, "--max_latency", "0.05"]);
        _workers.Add(worker);
        return worker;
    }

    /// <summary>Runs the host's command line (<c>ARGS</c> as given) with extra environment variables; disposed with the environment.</summary>
    public ChildProcess StartHost(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var host = ChildProcess.StartWorkerHost(Directory, environment, arguments);
        _workers.Add(host);
        return host;
    }

    public async Task<JobInfo> GetAsync(JobId id) => (await Store.GetAsync(id))!;

    /// <summary>Waits until every job has <paramref name="status"/>.</summary>
    public Task WaitForStatusAsync(IEnumerable<JobId> ids, JobStatus status) =>
        Eventually.TrueAsync(
            async () =>
            {
                foreach (var id in ids)
                {
                    if ((await Store.GetAsync(id))?.Status != status)
                    {
                        return false;
                    }
                }

                return true;
            },
            Wait,
            () => $"jobs did not all reach status {status}: {string.Join(", ", ids.Select(id => Store.GetAsync(id).AsTask().Result?.Status.ToString() ?? "missing"))}{WorkersOutput()}");

    /// <summary>The end of each worker's standard error, for failure messages: what the worker said is the first clue.</summary>
    private string WorkersOutput() =>
        string.Concat(_workers.Select((w, i) => $"\n--- worker {i + 1} stderr (end) ---\n{Tail(w.StandardError, 3000)}"));

    private static string Tail(string text, int length) => text.Length <= length ? text : text[^length..];

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        await Client.DisposeAsync();
        _directory.Dispose();
    }
}
