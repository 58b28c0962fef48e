using Microsoft.Extensions.Options;
using Mrq.Configuration;
using Mrq.Processing;

namespace Mrq.Hosting;

/// <summary>
/// Checks the host's <see cref="MrqSettings"/> when it starts (<c>ValidateOnStart</c>), with the command line's messages:
/// values the configuration section or code could not use, then the documents Mrq reads (<c>TASKS</c>,
/// <c>QUEUES_CONFIG</c>, <c>SCHEDULER_TASKS</c>) and the queues of hosted workers.
/// </summary>
internal sealed class MrqSettingsValidator : IValidateOptions<MrqSettings>
{
    public ValidateOptionsResult Validate(string? name, MrqSettings options)
    {
        var errors = new List<string>(options.ConfigurationErrors);
        Check(errors, () => TaskPolicies.Create(options));
        Check(errors, () => QueuesConfig.QuietQueues(options));
        if (options.Scheduler)
        {
            Check(errors, () => Scheduling.SchedulerConfig.Read(options));
        }

        if (MrqWorkerNames.IsWorker(name))
        {
            var queueErrors = new List<string>();
            Check(queueErrors, () => QueueSources.Validate(options.Queues));
            if (options.Processes > 0)
            {
                queueErrors.Add("PROCESSES: a hosted worker runs in the host's process; run more host instances, or more workers with AddMrqWorker, instead.");
            }

            errors.AddRange(queueErrors.Select(e => $"worker '{MrqWorkerNames.WorkerName(name!)}': {e}"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, Action check)
    {
        try
        {
            check();
        }
        catch (MrqConfigurationException e)
        {
            errors.Add(e.Message);
        }
    }
}
