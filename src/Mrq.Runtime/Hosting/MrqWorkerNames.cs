namespace Mrq.Hosting;

/// <summary>
/// The hosted workers of a host, by name. Each worker's settings are the named options <c>mrq-worker:&lt;name&gt;</c>:
/// the shared settings plus the worker's own section and code.
/// </summary>
internal sealed class MrqWorkerNames
{
    private const string OptionsPrefix = "mrq-worker:";

    public List<string> Names { get; } = [];

    public static string OptionsName(string worker) => OptionsPrefix + worker;

    public static string WorkerName(string optionsName) => optionsName[OptionsPrefix.Length..];

    public static bool IsWorker(string? optionsName) => optionsName?.StartsWith(OptionsPrefix, StringComparison.Ordinal) == true;
}
