using Mrq.Worker;

// MRQ's command line with the test tasks of HostTasks.cs.
return await MrqCommandLine.RunAsync(args);
