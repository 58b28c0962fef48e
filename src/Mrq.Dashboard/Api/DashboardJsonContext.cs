using System.Text.Json.Serialization;

namespace Mrq.Dashboard.Api;

/// <summary>The API's serializers, generated at compile time (no reflection, native-AOT safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ConfigResponse))]
[JsonSerializable(typeof(OverviewResponse))]
[JsonSerializable(typeof(IReadOnlyList<NamedCount>))]
[JsonSerializable(typeof(IReadOnlyList<PathRow>))]
[JsonSerializable(typeof(IReadOnlyList<ExceptionRow>))]
[JsonSerializable(typeof(QueuesResponse))]
[JsonSerializable(typeof(RawItemsResponse))]
[JsonSerializable(typeof(JobsResponse))]
[JsonSerializable(typeof(JobDetail))]
[JsonSerializable(typeof(LogsResponse))]
[JsonSerializable(typeof(IReadOnlyList<WorkerRow>))]
[JsonSerializable(typeof(IReadOnlyList<ScheduledRow>))]
[JsonSerializable(typeof(CatalogResponse))]
[JsonSerializable(typeof(JobActionRequest))]
[JsonSerializable(typeof(QueueActionRequest))]
[JsonSerializable(typeof(ScheduledRunRequest))]
[JsonSerializable(typeof(ScheduledRunResponse))]
[JsonSerializable(typeof(ActionResponse))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
