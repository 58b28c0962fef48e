using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Mrq.Worker.Supervision;

namespace Mrq.Worker.Commands;

/// <summary>
/// MRQ's shutdown signals for a worker: the first SIGINT stops dequeuing and lets running jobs finish; a second SIGINT
/// or a SIGTERM also interrupts the running jobs (their status becomes <c>interrupt</c>). A worker started by a
/// <c>--processes</c> supervisor takes these two orders from its standard input instead of SIGINT (see
/// <see cref="SupervisorProtocol"/>), still honours SIGTERM, and stops gracefully when its supervisor disappears.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _interrupt = new();
    private readonly ILogger _logger;
    private readonly bool _supervised;
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;
    private int _interrupts;
    private int _disposed;

    public ShutdownSignals(ILogger logger, bool supervised)
    {
        _logger = logger;
        _supervised = supervised;
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        if (supervised)
        {
            // A blocking read on its own thread: standard input is a pipe whose async reads would hold a pool thread anyway.
            new Thread(ReadOrders) { IsBackground = true, Name = "mrq supervisor orders" }.Start();
        }
    }

    /// <summary>Cancelled by the first stop request: stop dequeuing.</summary>
    public CancellationToken StopDequeuing => _stop.Token;

    /// <summary>Cancelled by a forced stop: interrupt running jobs.</summary>
    public CancellationToken InterruptJobs => _interrupt.Token;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _sigint.Dispose();
        _sigterm.Dispose();
        _stop.Dispose();
        _interrupt.Dispose();
    }

    private void OnSignal(PosixSignalContext signal)
    {
        signal.Cancel = true;
        if (signal.Signal == PosixSignal.SIGINT)
        {
            if (_supervised)
            {
                // Ctrl-C reaches the whole process group; the supervisor relays it on standard input, counted once.
                _logger.LogDebug("Received SIGINT: ignored, the supervisor relays it");
                return;
            }

            Interrupt("SIGINT");
            return;
        }

        Force("SIGTERM");
    }

    /// <summary>A SIGINT (or a relayed one): the first stops gracefully, the next ones force.</summary>
    private void Interrupt(string source)
    {
        if (Interlocked.Increment(ref _interrupts) == 1)
        {
            // Stop first, log after: whoever reads the line can rely on the worker not dequeuing any more.
            Cancel(_stop);
            _logger.LogInformation("Received {Source}: stopping after the running jobs finish (send it again to interrupt them)", source);
            return;
        }

        Force(source);
    }

    private void Force(string source)
    {
        Interlocked.Increment(ref _interrupts);
        Cancel(_stop);
        Cancel(_interrupt);
        _logger.LogWarning("Received {Source}: interrupting running jobs", source);
    }

    private void Cancel(CancellationTokenSource source)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The worker finished meanwhile.
        }
    }

    private void ReadOrders()
    {
        try
        {
            using var input = new StreamReader(Console.OpenStandardInput());
            while (input.ReadLine() is { } line)
            {
                switch (line.Trim())
                {
                    case SupervisorProtocol.StopOrder:
                        Interrupt("a stop order from the supervisor");
                        break;
                    case SupervisorProtocol.InterruptOrder:
                        Force("an interrupt order from the supervisor");
                        break;
                }
            }
        }
        catch (IOException)
        {
            // Treated as end of input below.
        }

        if (Volatile.Read(ref _disposed) == 0 && !_stop.IsCancellationRequested)
        {
            // No supervisor to stop us any more: finish the running jobs and exit rather than run orphaned forever.
            _logger.LogWarning("The supervisor is gone (standard input closed): stopping after the running jobs finish");
            Cancel(_stop);
        }
    }
}
