namespace Mrq.Processing;

/// <summary>A task's max concurrency was reached across workers: the job ends <c>maxconcurrency</c>, as in MRQ.</summary>
internal sealed class MaxConcurrencyReachedException(string path, int limit)
    : Exception($"Task '{path}' already runs {limit} job(s), its max concurrency, across all workers.");
