namespace Mrq.Storage;

/// <summary>MRQ's worker statuses, as stored in reports (reference §4.10).</summary>
public static class WorkerStatus
{
    /// <summary>Starting up.</summary>
    public const string Init = "init";

    /// <summary>Started, before its first pass over the queues.</summary>
    public const string Started = "started";

    /// <summary>Dequeuing.</summary>
    public const string Spawn = "spawn";

    /// <summary>Idle: the last pass found nothing.</summary>
    public const string Wait = "wait";

    /// <summary>Every slot busy.</summary>
    public const string Full = "full";

    /// <summary>Stopping: waiting for running jobs.</summary>
    public const string Join = "join";

    /// <summary>Stopping forcibly: interrupting running jobs.</summary>
    public const string Kill = "kill";

    /// <summary>Stopped; jobs it still shows as started were left behind.</summary>
    public const string Stop = "stop";
}
