using System.Globalization;
using Mrq.Processing;

namespace Mrq.Worker.Supervision;

/// <summary>
/// What a <c>--processes</c> supervisor and its worker processes agree on: the environment that marks a child, the
/// stop orders written to the child's standard input, the exit codes a child reports with, and the summary file in
/// which it leaves its "Worker spent …" numbers for the supervisor's total.
/// </summary>
/// <remarks>
/// Stop orders travel over standard input rather than as signals because a terminal's Ctrl-C reaches the whole process
/// group: a child that honoured both the terminal's SIGINT and the supervisor's relayed one would count two SIGINTs and
/// turn a graceful stop into a forced one.
/// </remarks>
internal static class SupervisorProtocol
{
    /// <summary>Set (to 1) in a child's environment: it runs as a worker even though its command line says <c>--processes</c>. MRQ's name.</summary>
    public const string IsSubprocessVariable = "MRQ_IS_SUBPROCESS";

    /// <summary>The file in which a child writes its summary when it ends.</summary>
    public const string SummaryFileVariable = "MRQ_SUBPROCESS_SUMMARY";

    /// <summary>Order: stop dequeuing and let the running jobs finish (a relayed first SIGINT).</summary>
    public const string StopOrder = "stop";

    /// <summary>Order: stop now, interrupting running jobs (a relayed second SIGINT or SIGTERM).</summary>
    public const string InterruptOrder = "interrupt";

    /// <summary>Exit code of a child that is done (burst found nothing, or it was told to stop): not replaced.</summary>
    public const int FinishedExitCode = 0;

    /// <summary>
    /// Exit code of a child that stopped only to be recycled (<c>max_jobs</c>, <c>max_time</c>, <c>max_memory</c>):
    /// the supervisor starts a fresh one. A child that ends any other way than these two codes (or exit code 2, bad
    /// configuration) crashed and is replaced too.
    /// </summary>
    public const int RecycleExitCode = 3;

    /// <summary>True in a process started by a supervisor.</summary>
    public static bool IsSubprocess => Environment.GetEnvironmentVariable(IsSubprocessVariable) is { Length: > 0 } value && value != "0";

    /// <summary>Writes a child's summary (elapsed seconds and done jobs) where its supervisor will read it.</summary>
    public static void WriteSummary(string path, WorkerRunSummary summary) =>
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"{summary.Elapsed.TotalSeconds:R} {summary.DoneJobs}"));

    /// <summary>Reads a child's summary; null when the child left none (it was killed).</summary>
    public static WorkerRunSummary? ReadSummary(string path)
    {
        try
        {
            var parts = File.ReadAllText(path).Split(' ');
            return parts.Length == 2
                && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var done)
                ? new WorkerRunSummary(TimeSpan.FromSeconds(seconds), done)
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
