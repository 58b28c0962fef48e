using Mrq.Configuration;
using Mrq.Storage;

namespace Mrq.Maintenance;

/// <summary>What a built-in maintenance task needs from the job context that runs it: the store and the task policies.</summary>
internal interface IMaintenanceContext
{
    IJobStore Store { get; }

    TaskPolicies Policies { get; }

    /// <summary>The worker running the task (its own jobs are never taken for orphaned), or null outside a worker.</summary>
    string? WorkerId { get; }
}
