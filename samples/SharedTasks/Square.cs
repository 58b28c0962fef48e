using Microsoft.Extensions.Logging;
using Mrq;

namespace SharedTasks;

/// <summary>Squares an integer; its <see cref="SquareAudit"/> comes from the host's services, one per job.</summary>
[MrqTask(Path = "shared.Square", Queue = "square")]
public sealed class Square(SquareAudit audit)
{
    public int Run(int n, JobContext context)
    {
        context.Logger.LogInformation("squaring {N} (audit {Audit})", n, audit.Id);
        return n * n;
    }
}
