using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mrq.Configuration;
using Mrq.Infrastructure;
using Mrq.Processing;

namespace Mrq.Hosting;

/// <summary>
/// A worker running inside a host (<c>AddMrqWorker</c>). The host stopping is MRQ's first SIGINT: the worker stops
/// dequeuing at once (on <see cref="IHostApplicationLifetime.ApplicationStopping"/>) and lets running jobs finish.
/// Jobs still running <see cref="InterruptMargin"/> before the host's shutdown timeout passes are interrupted (status
/// <c>interrupt</c>, written before the worker returns; other workers requeue them), so the host's timeout never cuts
/// a status write short.
/// </summary>
internal sealed partial class HostedWorker : IHostedService, IDisposable
{
    private readonly string _name;
    private readonly IServiceProvider _services;
    private readonly MrqSettings _settings;
    private readonly IMrqClient _client;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeSpan _shutdownTimeout;
    private readonly HostedWorkersEnd _ends;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _interrupt = new();
    private CancellationTokenRegistration _onStopping;
    private WorkerEngine? _engine;
    private Task<WorkerRunSummary>? _run;
    private int _stopping;

    public HostedWorker(string name, IServiceProvider services, MrqSettings settings, IMrqClient client, ILoggerFactory loggers, IHostApplicationLifetime lifetime, HostOptions hostOptions, HostedWorkersEnd ends)
    {
        _name = name;
        _services = services;
        _settings = settings;
        _client = client;
        _logger = loggers.CreateLogger("Mrq.Worker");
        _lifetime = lifetime;
        _shutdownTimeout = hostOptions.ShutdownTimeout;
        _ends = ends;
    }

    /// <summary>The worker's name in the host.</summary>
    public string Name => _name;

    /// <summary>The running engine, or null before the host starts it.</summary>
    public WorkerEngine? Engine => _engine;

    /// <summary>The worker loop, or null before the host starts it.</summary>
    public Task<WorkerRunSummary>? Run => _run;

    /// <summary>The report interval, for the health check's idea of "recent".</summary>
    public double ReportInterval => _settings.ReportInterval;

    /// <summary>
    /// How long before the host's shutdown timeout running jobs are interrupted: 5 seconds, or a quarter of the timeout
    /// when it is shorter than 20 seconds. Half of it is left for tasks to observe their cancelled token.
    /// </summary>
    public TimeSpan InterruptMargin => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, _shutdownTimeout.Ticks / 4));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_client is not StoreClient storeClient)
        {
            throw new InvalidOperationException("A hosted Mrq worker needs the IMrqClient that AddMrq registers.");
        }

        foreach (var (assembly, method) in TaskAssemblies.FindUnregistered())
        {
            LogUnregisteredLibrary(_name, assembly, method);
        }

        var queues = QueueSources.Create(_settings, storeClient.Store, () => storeClient.Broker, _logger);
        _engine = new WorkerEngine(_settings, storeClient.Store, queues, _services, _logger, () => storeClient.Broker, TaskPolicies.Create(_settings))
        {
            ForcedStopGrace = InterruptMargin / 2,
        };
        _onStopping = _lifetime.ApplicationStopping.Register(BeginStop);
        _run = Task.Run(() => _engine.RunAsync(_stop.Token, _interrupt.Token), CancellationToken.None);
        _ = ObserveAsync(_run);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_run is null)
        {
            return;
        }

        BeginStop();

        // The host's own deadline: if it comes first (a shorter token than HostOptions says), interrupt now.
        await using (cancellationToken.Register(Interrupt))
        {
            // A failed run was logged (and stopped the host) by ObserveAsync; the host's shutdown goes on either way.
            await _run.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _onStopping.Dispose();
        _stop.Dispose();
        _interrupt.Dispose();
    }

    /// <summary>The first stop request: stop dequeuing now, interrupt what still runs shortly before the host gives up.</summary>
    private void BeginStop()
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            return;
        }

        LogStopping(_name, _shutdownTimeout.TotalSeconds - InterruptMargin.TotalSeconds);
        _stop.Cancel();
        var interruptAfter = _shutdownTimeout - InterruptMargin;
        if (interruptAfter <= TimeSpan.Zero)
        {
            Interrupt();
        }
        else
        {
            _interrupt.CancelAfter(interruptAfter);
        }
    }

    private void Interrupt()
    {
        try
        {
            _interrupt.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The worker is gone already.
        }
    }

    /// <summary>Follows the worker loop to its end: a failure stops the host with exit code 1, an end by itself is counted.</summary>
    internal async Task ObserveAsync(Task<WorkerRunSummary> run)
    {
        try
        {
            await run.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // As BackgroundService's default: a worker that cannot run stops the host rather than leave it up without it.
            LogFailed(e, _name, e.Message);

            // The host's own exit code stays 0 when a hosted service fails (until .NET 11); a batch run (a Kubernetes
            // Job) must see the failure. A code the application set already is left alone.
            if (Environment.ExitCode == 0)
            {
                Environment.ExitCode = 1;
            }

            _lifetime.StopApplication();
            return;
        }

        // Ended by itself (not by the host stopping): nothing is left to stop when the host stops later.
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            _ends.Ended();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker '{Worker}': the assembly {Assembly} declares Mrq tasks but is not loaded, so its tasks are not registered; call services.{Method}() at startup")]
    private partial void LogUnregisteredLibrary(string worker, string assembly, string method);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker '{Worker}': the host is stopping; no more jobs are dequeued, running jobs may finish within {Seconds}s before they are interrupted")]
    private partial void LogStopping(string worker, double seconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Worker '{Worker}' failed and stops the host (exit code 1): {Message}")]
    private partial void LogFailed(Exception exception, string worker, string message);
}
