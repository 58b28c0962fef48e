namespace SharedTasks;

/// <summary>A scoped service: the host creates one per job and disposes it when the job ends.</summary>
public sealed class SquareAudit
{
    public Guid Id { get; } = Guid.NewGuid();
}
