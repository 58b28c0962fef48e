using Mrq.Dashboard;
using Mrq.Worker;
using QueuePerformance;

// The tutorial's commands: `enqueue QUEUE COUNT` (MRQ's enqueue.py), `worker QUEUE...` (mrq-worker) and `dashboard`
// (mrq-dashboard).
return await MrqCommandLine.RunAsync(args, mrq => mrq
    .AddCommand("enqueue", EnqueueCommand.Usage, EnqueueCommand.RunAsync)
    .AddCommand("dashboard", MrqDashboardCommand.Usage, MrqDashboardCommand.RunAsync));
