namespace Mrq.Diagnostics;

/// <summary>Attribute names: OpenTelemetry's messaging conventions where they have one, <c>mrq.*</c> otherwise.</summary>
internal static class MessagingTags
{
    public const string System = "messaging.system";
    public const string DestinationName = "messaging.destination.name";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string MessageId = "messaging.message.id";
    public const string BatchMessageCount = "messaging.batch.message_count";
    public const string ErrorType = "error.type";
    public const string TaskPath = "mrq.task.path";
    public const string RetryCount = "mrq.job.retry_count";
    public const string Status = "mrq.job.status";
    public const string WorkerId = "mrq.worker.id";

    public const string Send = "send";
    public const string Process = "process";
}
