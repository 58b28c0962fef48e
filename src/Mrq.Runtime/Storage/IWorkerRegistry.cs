namespace Mrq.Storage;

/// <summary>
/// The workers' reports (MRQ's <c>mrq_workers</c> collection): each worker upserts its <see cref="WorkerReport"/>
/// periodically; other workers and the dashboard read them to tell live workers from dead ones.
/// </summary>
public interface IWorkerRegistry
{
    /// <summary>Inserts or replaces a worker's report (MRQ's <c>mrq_workers</c> document, keyed by the worker id).</summary>
    ValueTask ReportWorkerAsync(WorkerReport report, CancellationToken cancellationToken = default);

    /// <summary>Every stored worker report, live or not.</summary>
    ValueTask<IReadOnlyList<WorkerReport>> GetWorkersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the reports of workers silent since before <paramref name="before"/> (MRQ's one-hour TTL on
    /// <c>datereported</c>). Returns how many.
    /// </summary>
    ValueTask<long> DeleteWorkersReportedBeforeAsync(DateTime before, CancellationToken cancellationToken = default);
}
