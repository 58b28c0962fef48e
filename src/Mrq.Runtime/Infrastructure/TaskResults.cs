using System.ComponentModel;

namespace Mrq.Infrastructure;

/// <summary>Checks behind the generated <c>GetResult(JobInfo)</c> methods. Called by generated code; not for hand-written code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TaskResults
{
    /// <summary>
    /// Gets the serialized result of <paramref name="job"/>; false when the task returned nothing. Throws
    /// <see cref="InvalidOperationException"/> when the job is of another task or did not succeed.
    /// </summary>
    public static bool TryGetResult(JobInfo job, string taskPath, out ReadOnlyMemory<byte> result)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!string.Equals(job.Path, taskPath, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Job {job.Id} is a job of task '{job.Path}', not of '{taskPath}'.");
        }

        if (job.Status != JobStatus.Success)
        {
            throw new InvalidOperationException($"Job {job.Id} ({taskPath}) has status '{job.Status.ToName()}', not 'success', so it has no result.");
        }

        result = job.Result ?? default;
        return !result.IsEmpty;
    }
}
