namespace Mrq.Dashboard.Api;

// The JSON shapes of the dashboard's API (camelCase on the wire; see docs/dashboard.md). Dates are ISO 8601 UTC.

internal sealed record ConfigResponse(bool ReadOnly, string Version, double StaleWorkerSeconds, DateTime Now);

internal sealed record NamedCount(string Name, long Count);

internal sealed record OverviewResponse(
    IReadOnlyList<NamedCount> Statuses,
    long TotalJobs,
    long FinishedJobs,
    int Workers,
    int WorkersBusy,
    int WorkersStale,
    int Greenlets,
    int JobsRunning,
    DateTime Now);

internal sealed record PathRow(string Path, long Total, IReadOnlyList<NamedCount> Statuses);

internal sealed record ExceptionRow(string Path, string ExceptionType, long Count);

internal sealed record RegularQueueRow(string Name, long Total, IReadOnlyList<NamedCount> Statuses, bool Paused);

internal sealed record RawQueueRow(
    string Name,
    string Type,
    long Size,
    long? Due,
    bool Paused,
    bool Declared,
    IReadOnlyList<string> StatusesNoStorage,
    IReadOnlyList<NamedCount> Statuses);

/// <summary>A queue's <c>rate_limit</c> as this process's configuration gives it, and the current window's count.</summary>
internal sealed record RateLimitRow(string Queue, int Limit, double PerSeconds, long Started, DateTime WindowEnds);

internal sealed record QueuesResponse(IReadOnlyList<RegularQueueRow> Regular, IReadOnlyList<RawQueueRow> Raw, IReadOnlyList<string> Paused, IReadOnlyList<RateLimitRow> RateLimits);

internal sealed record RawItemRow(string Value, double Score);

internal sealed record RawItemsResponse(string Queue, string Type, IReadOnlyList<RawItemRow> Items, int Skip, int Limit);

internal sealed record JobRow(
    string Id,
    string Path,
    string Queue,
    string Status,
    string Params,
    string? ExceptionType,
    string? Worker,
    DateTime? DateQueued,
    DateTime? DateStarted,
    DateTime? DateUpdated,
    double? TotalTime,
    double? Progress,
    int RetryCount,
    string? RawQueue,
    DateTime? DateRetry);

// Next: the cursor of the following page (the "after" parameter), null at the end. Partial: the store stopped searching
// after its bound on the jobs one request reads (a filter no index serves); Next continues the search.
internal sealed record JobsResponse(IReadOnlyList<JobRow> Jobs, long Total, bool TotalIsLowerBound, int Skip, int Limit, string? Next, bool Partial);

internal sealed record TracebackRow(DateTime Date, string Status, string? ExceptionType, string? Traceback, string? OriginalTraceback, string? Worker);

internal sealed record JobDetail(
    JobRow Job,
    string? Result,
    string? Traceback,
    IReadOnlyList<TracebackRow> TracebackHistory,
    DateTime? DateExpires,
    DateTime? DateRetry);

internal sealed record LogsResponse(string Logs, string? Cursor);

internal sealed record WorkerJobRow(string Id, string Path, DateTime? DateStarted);

internal sealed record WorkerRow(
    string Id,
    string Name,
    string Status,
    IReadOnlyList<string> Queues,
    int Greenlets,
    int JobsRunning,
    DateTime DateStarted,
    DateTime DateReported,
    double ReportAgeSeconds,
    bool Stale,
    long MemoryRss,
    double CpuUser,
    double CpuSystem,
    double CpuPercent,
    long DoneJobs,
    int Pid,
    IReadOnlyList<WorkerJobRow> Jobs);

internal sealed record ScheduledRow(string Hash, string Path, string? Params, string? Queue, int? Interval, string? DailyTime, int? Weekday, int? Monthday, DateTime DateLastQueued, string? Cron, DateTime? NextDue);

/// <summary>A task and its attribute's option values in the order of <see cref="CatalogResponse.TaskOptions"/>, null where the attribute gives none.</summary>
internal sealed record TaskRow(string Path, string Queue, IReadOnlyList<int?> Options);

internal sealed record RawFactoryRow(string Name, string Factory, string RetryQueue, IReadOnlyList<string> StatusesNoStorage, int PushbackSeconds);

/// <summary>The catalog: <paramref name="TaskOptions"/> names the columns of every task's options (TaskOption's table).</summary>
internal sealed record CatalogResponse(IReadOnlyList<string> TaskOptions, IReadOnlyList<TaskRow> Tasks, IReadOnlyList<RawFactoryRow> RawQueues);

internal sealed record JobActionRequest(
    string Action,
    string? Id,
    string? Queue,
    string? Path,
    string? Status,
    string? Worker,
    string? ExceptionType,
    string? Params,
    string? DestinationQueue);

internal sealed record QueueActionRequest(string Queue);

internal sealed record ScheduledRunRequest(string Hash);

internal sealed record ScheduledRunResponse(string Id, string Queue);

internal sealed record ActionResponse(long Count);

internal sealed record ErrorResponse(string Error);
