using System.Text.Json.Serialization;

namespace Mrq.Scheduling;

/// <summary>Source-generated JSON for the scheduler's few strings (native AOT needs no reflection).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class SchedulerJson : JsonSerializerContext;
