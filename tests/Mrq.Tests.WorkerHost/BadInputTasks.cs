using System.Globalization;
using Microsoft.Extensions.Logging;
using Mrq;

namespace Mrq.Tests.WorkerHost;

/// <summary>Writes <c>lines</c> log lines of <c>length</c> characters each through the job logger, then returns <c>lines</c>.</summary>
[MrqTask(Path = "host.LogMuch")]
public sealed class LogMuch
{
    public int Run(JobContext context, int lines, int length)
    {
        var text = new string('x', length);
        for (var i = 0; i < lines; i++)
        {
            context.Logger.LogInformation("{Line}", text);
        }

        return lines;
    }
}

/// <summary>Params of every JSON form: a date, an offset date, an enum, a Guid, a nullable and an object.</summary>
[MrqTask(Path = "host.Shipment")]
public sealed class ShipmentTask
{
    public string Run(Shipment shipment, DateTime due, DateTimeOffset placed, Carrier carrier, Guid tracking, int? weight = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{shipment.To.City}:{shipment.Parcels.Count}:{due:O}:{placed.UtcDateTime:O}:{carrier}:{tracking}:{weight?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
}

public enum Carrier
{
    Post,
    Courier,
}

public sealed record Address(string City, string? Street = null);

public sealed record Parcel(string Sku, int Quantity);

public sealed class Shipment
{
    public required Address To { get; init; }

    public List<Parcel> Parcels { get; set; } = [];

    public string? Note { get; set; }
}

/// <summary>Raw queues whose factories reject or fail on purpose.</summary>
public static class BadInputQueues
{
    /// <summary>A raw param that is not an integer is rejected by the factory.</summary>
    [MrqRawQueue("host_numbers_raw")]
    public static JobRequest Numbers(string raw) => Tasks.Sleep.Job(ms: int.Parse(raw, CultureInfo.InvariantCulture));

    /// <summary>Stores nothing unless a job fails; every param is a message host.Fail (TelemetryTasks.cs) throws.</summary>
    [MrqRawQueue("host_failing_nostorage_raw", StatusesNoStorage = [JobStatus.Started, JobStatus.Success])]
    public static JobRequest FailingNoStorage(string raw) => Tasks.Fail.Job(message: raw);
}
