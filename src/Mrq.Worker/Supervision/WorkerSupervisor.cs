using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Mrq.Processing;

namespace Mrq.Worker.Supervision;

/// <summary>
/// MRQ's <c>--processes N</c>: keeps N worker processes running the same command line, replaces one that dies or stops
/// to be recycled (<c>max_jobs</c>, <c>max_time</c>, <c>max_memory</c>), relays SIGINT and SIGTERM to them, and exits
/// once every child has exited, printing the total "Worker spent …" line after the children's own.
/// </summary>
internal sealed partial class WorkerSupervisor
{
    /// <summary>Wait before replacing a child that crashed, so a child that cannot start does not spin (MRQ checks once a second).</summary>
    private static readonly TimeSpan s_crashRestartDelay = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<string> _arguments;
    private readonly int _processes;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly HashSet<ChildWorker> _children = [];
    private readonly CancellationTokenSource _stopping = new();
    private string? _order;
    private int _sigints;
    private long _doneJobs;
    private int _usageErrors;

    public WorkerSupervisor(IReadOnlyList<string> arguments, int processes, ILogger logger)
    {
        _arguments = arguments;
        _processes = processes;
        _logger = logger;
    }

    /// <summary>Runs the children until all have exited; returns the supervisor's exit code.</summary>
    public async Task<int> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        var busiest = TimeSpan.Zero;
        LogStarting(_processes);
        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal))
        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal))
        {
            var slots = new Task<TimeSpan>[_processes];
            for (var i = 0; i < slots.Length; i++)
            {
                slots[i] = RunSlotAsync();
            }

            busiest = (await Task.WhenAll(slots).ConfigureAwait(false)).Max();
        }

        // Like the children's lines, the total counts working time, not process start-up: the jobs of all children over
        // the longest time any one place spent working (its children's own "Worker spent" seconds, added up).
        var summary = new WorkerRunSummary(busiest > TimeSpan.Zero ? busiest : clock.Elapsed, Interlocked.Read(ref _doneJobs));
        LogTotal(summary.ToString(), _processes);
        _stopping.Dispose();
        return Volatile.Read(ref _usageErrors) > 0 ? MrqCommandLine.UsageExitCode : 0;
    }

    /// <summary>One of the N places: runs a child, and a new one each time it must be replaced, until done or stopping.</summary>
    private async Task<TimeSpan> RunSlotAsync()
    {
        var worked = TimeSpan.Zero;
        while (true)
        {
            ChildWorker child;
            lock (_gate)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return worked;
                }

                child = ChildWorker.Start(_arguments);
                _children.Add(child);
            }

            int exitCode;
            var pid = child.ProcessId;
            using (child)
            {
                LogChildStarted(pid);
                exitCode = await child.WaitForExitAsync().ConfigureAwait(false);
                lock (_gate)
                {
                    _children.Remove(child);
                }

                if (child.TakeSummary() is { } childSummary)
                {
                    Interlocked.Add(ref _doneJobs, childSummary.DoneJobs);
                    worked += childSummary.Elapsed;
                }
            }

            if (_stopping.IsCancellationRequested || exitCode == SupervisorProtocol.FinishedExitCode)
            {
                LogChildExited(pid, exitCode);
                return worked;
            }

            if (exitCode == MrqCommandLine.UsageExitCode)
            {
                // Bad arguments or configuration: a new process would fail the same way.
                Interlocked.Increment(ref _usageErrors);
                LogChildRejected(pid);
                return worked;
            }

            if (exitCode == SupervisorProtocol.RecycleExitCode)
            {
                LogChildRecycled(pid);
                continue;
            }

            LogChildDied(pid, exitCode, s_crashRestartDelay.TotalSeconds);
            try
            {
                await Task.Delay(s_crashRestartDelay, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return worked;
            }
        }
    }

    private void OnSignal(PosixSignalContext signal)
    {
        signal.Cancel = true;
        var graceful = signal.Signal == PosixSignal.SIGINT && Interlocked.Increment(ref _sigints) == 1;
        var order = graceful ? SupervisorProtocol.StopOrder : SupervisorProtocol.InterruptOrder;
        LogRelaying(signal.Signal.ToString(), order);
        ChildWorker[] children;
        lock (_gate)
        {
            if (_order == SupervisorProtocol.InterruptOrder)
            {
                return;
            }

            _order = order;
            _stopping.Cancel();
            children = [.. _children];
        }

        foreach (var child in children)
        {
            child.Send(order);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting {Processes} worker processes")]
    private partial void LogStarting(int processes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker process {Pid} started")]
    private partial void LogChildStarted(int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker process {Pid} exited with code {ExitCode}")]
    private partial void LogChildExited(int pid, int exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker process {Pid} stopped to be recycled: starting a new one")]
    private partial void LogChildRecycled(int pid);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker process {Pid} rejected its arguments or configuration: not restarting it")]
    private partial void LogChildRejected(int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker process {Pid} died (exit code {ExitCode}): starting a new one in {Delay}s")]
    private partial void LogChildDied(int pid, int exitCode, double delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Received {Signal}: relaying '{Order}' to the worker processes")]
    private partial void LogRelaying(string signal, string order);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Summary} in total over {Processes} processes")]
    private partial void LogTotal(string summary, int processes);
}
