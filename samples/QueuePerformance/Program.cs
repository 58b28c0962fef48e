using Mrq.Worker;
using QueuePerformance;

// The tutorial's two commands: `enqueue QUEUE COUNT` (MRQ's enqueue.py) and `worker QUEUE...` (mrq-worker).
return await MrqCommandLine.RunAsync(args, mrq => mrq
    .AddCommand("enqueue", "QUEUE COUNT       enqueue COUNT Square jobs with n=42 on QUEUE", EnqueueCommand.RunAsync));
