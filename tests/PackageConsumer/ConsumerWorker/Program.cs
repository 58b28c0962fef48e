using ConsumerTasks;
using Mrq;
using Mrq.Worker;

// MRQ's commands (worker, run) plus two of ours: enqueue one Square job, and print a finished job's result.
return await MrqCommandLine.RunAsync(args, mrq => mrq
    .AddCommand("enqueue", "N                 enqueue Square(n: N) and print its id", context =>
    {
        var id = Tasks.Square.Enqueue(n: int.Parse(context.Arguments[0], System.Globalization.CultureInfo.InvariantCulture));
        context.Output.WriteLine(id);
        return Task.FromResult(0);
    })
    .AddCommand("result", "ID                print the result of the finished job ID", async context =>
    {
        var job = await context.Client.WaitAsync(JobId.Parse(context.Arguments[0]), TimeSpan.FromSeconds(30));
        context.Output.WriteLine(Tasks.Square.GetResult(job));
        return job.Status == JobStatus.Success ? 0 : 1;
    }));
