using Mrq.Dashboard;
using Mrq.Worker;
using QueuePerformance;

// The tutorial's commands: `enqueue QUEUE COUNT` (MRQ's enqueue.py), `worker QUEUE...` (mrq-worker) and `dashboard`
// (mrq-dashboard).
return await MrqCommandLine.RunAsync(args, mrq => mrq
    .AddCommand("enqueue", "QUEUE COUNT       enqueue COUNT Square jobs with n=42 on QUEUE", EnqueueCommand.RunAsync)
    .AddCommand("dashboard", MrqDashboardCommand.Usage, MrqDashboardCommand.RunAsync));
