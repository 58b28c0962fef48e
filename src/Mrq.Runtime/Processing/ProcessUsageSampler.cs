using System.Diagnostics;
using System.Globalization;
using Mrq.Storage;

namespace Mrq.Processing;

/// <summary>Reads this process's cpu and memory for worker reports and <c>max_memory</c>.</summary>
internal sealed class ProcessUsageSampler
{
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastCpu;
    private TimeSpan _lastWall;

    public WorkerReport.ProcessUsage Sample()
    {
        _process.Refresh();
        var user = _process.UserProcessorTime;
        var system = _process.PrivilegedProcessorTime;
        var wall = _clock.Elapsed;
        var cpu = user + system;
        var percent = wall > _lastWall ? 100 * (cpu - _lastCpu).TotalSeconds / (wall - _lastWall).TotalSeconds : 0;
        _lastCpu = cpu;
        _lastWall = wall;
        return new WorkerReport.ProcessUsage
        {
            Pid = Environment.ProcessId,
            CpuUser = user.TotalSeconds,
            CpuSystem = system.TotalSeconds,
            CpuPercent = Math.Round(percent, 1),
            MemoryRss = _process.WorkingSet64,
            MemorySwap = ReadSwap(),
        };
    }

    /// <summary>Swapped-out bytes (Linux's VmSwap); 0 where the system does not say.</summary>
    private static long ReadSwap()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmSwap:", StringComparison.Ordinal))
                {
                    var kb = line["VmSwap:".Length..].Trim().Split(' ')[0];
                    return long.TryParse(kb, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value * 1024 : 0;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }
}
