using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Mrq.Infrastructure;
using Mrq.Storage;
using Mrq.Storage.Queries;
using Json = Mrq.Dashboard.Api.DashboardJsonContext;

namespace Mrq.Dashboard.Api;

/// <summary>The JSON API's handlers, the page's only data source (see docs/dashboard.md).</summary>
internal static class DashboardApi
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 500;

    public static Task ConfigAsync(HttpContext http, DashboardState state) => WriteAsync(http, new ConfigResponse(
        state.Options.ReadOnly,
        typeof(DashboardApi).Assembly.GetName().Version?.ToString() ?? "",
        state.Options.StaleWorkerAfter.TotalSeconds,
        DateTime.UtcNow), Json.Default.ConfigResponse);

    public static async Task OverviewAsync(HttpContext http, DashboardState state)
    {
        var aggregates = await state.GetAggregatesAsync().ConfigureAwait(false);
        var statuses = SumByDetail(aggregates.ByQueue);
        var workers = await state.Store.GetWorkersAsync(http.RequestAborted).ConfigureAwait(false);
        var now = DateTime.UtcNow;
        var live = workers.Where(w => w.Status != "stop").ToList();
        var total = statuses.Sum(s => s.Count);
        var unfinished = statuses.Where(s => s.Name is "queued" or "started").Sum(s => s.Count);
        await WriteAsync(http, new OverviewResponse(
            statuses,
            total,
            total - unfinished,
            live.Count,
            live.Count(w => w.Jobs.Count > 0),
            live.Count(w => IsStale(w, now, state)),
            live.Sum(w => w.Config.Greenlets),
            live.Sum(w => w.Jobs.Count),
            now), Json.Default.OverviewResponse).ConfigureAwait(false);
    }

    public static async Task StatusesAsync(HttpContext http, DashboardState state)
    {
        var aggregates = await state.GetAggregatesAsync().ConfigureAwait(false);
        await WriteAsync(http, SumByDetail(aggregates.ByQueue), Json.Default.IReadOnlyListNamedCount).ConfigureAwait(false);
    }

    public static async Task PathsAsync(HttpContext http, DashboardState state)
    {
        var aggregates = await state.GetAggregatesAsync().ConfigureAwait(false);
        IReadOnlyList<PathRow> rows = GroupRows(aggregates.ByPath)
            .Select(g => new PathRow(g.Key, g.Total, g.Statuses))
            .OrderByDescending(r => r.Total).ThenBy(r => r.Path, StringComparer.Ordinal)
            .ToList();
        await WriteAsync(http, rows, Json.Default.IReadOnlyListPathRow).ConfigureAwait(false);
    }

    public static async Task ExceptionsAsync(HttpContext http, DashboardState state)
    {
        var aggregates = await state.GetAggregatesAsync().ConfigureAwait(false);
        IReadOnlyList<ExceptionRow> rows = aggregates.Exceptions
            .Select(g => new ExceptionRow(g.Key, g.Detail, g.Count))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Path, StringComparer.Ordinal).ThenBy(r => r.ExceptionType, StringComparer.Ordinal)
            .ToList();
        await WriteAsync(http, rows, Json.Default.IReadOnlyListExceptionRow).ConfigureAwait(false);
    }

    public static async Task QueuesAsync(HttpContext http, DashboardState state)
    {
        var cancellationToken = http.RequestAborted;
        var aggregates = await state.GetAggregatesAsync().ConfigureAwait(false);
        var paused = await state.Broker.GetPausedQueuesAsync(cancellationToken).ConfigureAwait(false);
        var pausedSet = paused.ToHashSet(StringComparer.Ordinal);
        bool IsPaused(string queue) => PausedQueues.IsPaused(pausedSet, queue);

        var stored = GroupRows(aggregates.ByQueue).ToDictionary(g => g.Key, StringComparer.Ordinal);
        var fromRaw = GroupRows(aggregates.ByRawQueue).ToDictionary(g => g.Key, StringComparer.Ordinal);
        var regular = stored.Values
            .Select(g => new RegularQueueRow(g.Key, g.Total, g.Statuses, IsPaused(g.Key)))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();

        // Raw queues: those holding items, those a factory declares, and those whose jobs are stored.
        var rawNames = new SortedSet<string>(StringComparer.Ordinal);
        if (state.Broker is IRawQueueListing listing)
        {
            rawNames.UnionWith(await listing.ListRawQueuesAsync(cancellationToken).ConfigureAwait(false));
        }

        rawNames.UnionWith(RawQueueCatalog.All.Select(q => q.Name));
        rawNames.UnionWith(fromRaw.Keys.Where(k => RawQueueNames.TryGetType(k, out _)));
        var now = DateTime.UtcNow;
        var raw = new List<RawQueueRow>(rawNames.Count);
        foreach (var name in rawNames)
        {
            var type = RawQueueNames.GetRequiredType(name);
            var size = await state.Broker.SizeAsync(name, cancellationToken).ConfigureAwait(false);
            long? due = type == RawQueueType.TimedSet ? await state.Broker.DueSizeAsync(name, now, cancellationToken).ConfigureAwait(false) : null;
            RawQueueCatalog.TryFind(RawQueueNames.Root(name), out var declared);
            raw.Add(new RawQueueRow(
                name,
                TypeName(type),
                size,
                due,
                IsPaused(name),
                declared is not null,
                declared?.StatusesNoStorage.Select(s => s.ToName()).ToList() ?? [],
                fromRaw.TryGetValue(name, out var jobs) ? jobs.Statuses : []));
        }

        var limits = new List<RateLimitRow>();
        foreach (var limit in Configuration.QueuesConfig.RateLimits(state.Settings).Values.OrderBy(l => l.Queue, StringComparer.Ordinal))
        {
            var started = await state.Broker.GetCountAsync(limit.CounterKey, limit.Per, now, cancellationToken).ConfigureAwait(false);
            limits.Add(new RateLimitRow(limit.Queue, limit.Limit, limit.Per.TotalSeconds, started, RateWindow.End(RateWindow.Number(now, limit.Per), limit.Per)));
        }

        await WriteAsync(http, new QueuesResponse(regular, raw, paused, limits), Json.Default.QueuesResponse).ConfigureAwait(false);
    }

    public static async Task RawItemsAsync(HttpContext http, DashboardState state)
    {
        var name = http.Request.Query["queue"].ToString();
        if (!RawQueueNames.TryGetType(name, out var type) || RawQueueNames.IsListenForm(name))
        {
            await BadRequestAsync(http, $"'{name}' is not a raw queue.").ConfigureAwait(false);
            return;
        }

        var (skip, limit) = Paging(http);
        var items = await state.Broker.ListAsync(name, skip, limit, http.RequestAborted).ConfigureAwait(false);
        await WriteAsync(http, new RawItemsResponse(name, TypeName(type), items.Select(i => new RawItemRow(i.Value, i.Score)).ToList(), skip, limit), Json.Default.RawItemsResponse).ConfigureAwait(false);
    }

    public static async Task JobsAsync(HttpContext http, DashboardState state)
    {
        JobFilter filter;
        try
        {
            filter = JobFilterQuery.FromQuery(http.Request.Query);
        }
        catch (ArgumentException e)
        {
            await BadRequestAsync(http, e.Message).ConfigureAwait(false);
            return;
        }

        var (skip, limit) = Paging(http);
        var after = http.Request.Query["after"].ToString();
        JobPage page;
        try
        {
            page = await state.Queries.FindJobsAsync(filter, after.Length == 0 ? null : after, skip, limit, http.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            await BadRequestAsync(http, e.Message).ConfigureAwait(false);
            return;
        }

        var total = await state.Queries.CountJobsAsync(filter, state.Options.CountCap, http.RequestAborted).ConfigureAwait(false);
        await WriteAsync(http, new JobsResponse(page.Jobs.Select(JobRows.Row).ToList(), total.Count, total.IsLowerBound, skip, limit, page.Next, page.Partial), Json.Default.JobsResponse).ConfigureAwait(false);
    }

    public static async Task JobAsync(HttpContext http, DashboardState state)
    {
        if (await FindJobAsync(http, state).ConfigureAwait(false) is { } job)
        {
            await WriteAsync(http, JobRows.Detail(job), Json.Default.JobDetail).ConfigureAwait(false);
        }
    }

    public static async Task LogsAsync(HttpContext http, DashboardState state)
    {
        if (!JobId.TryParse(http.Request.RouteValues["id"] as string, out var id))
        {
            await BadRequestAsync(http, "Not a job id.").ConfigureAwait(false);
            return;
        }

        var cursor = http.Request.Query["cursor"].ToString();
        try
        {
            var chunk = await state.Queries.ReadLogsAsync(id, cursor.Length == 0 ? null : cursor, http.RequestAborted).ConfigureAwait(false);
            await WriteAsync(http, new LogsResponse(chunk.Logs, chunk.Cursor), Json.Default.LogsResponse).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            await BadRequestAsync(http, e.Message).ConfigureAwait(false);
        }
    }

    public static async Task WorkersAsync(HttpContext http, DashboardState state)
    {
        var workers = await state.Store.GetWorkersAsync(http.RequestAborted).ConfigureAwait(false);
        var now = DateTime.UtcNow;
        IReadOnlyList<WorkerRow> rows = workers
            .OrderByDescending(w => w.DateStarted)
            .Select(w => new WorkerRow(
                w.Id,
                w.Name,
                w.Status,
                w.Config.Queues,
                w.Config.Greenlets,
                w.Jobs.Count,
                w.DateStarted,
                w.DateReported,
                Math.Max(0, (now - w.DateReported).TotalSeconds),
                IsStale(w, now, state),
                w.Process.MemoryRss,
                w.Process.CpuUser,
                w.Process.CpuSystem,
                w.Process.CpuPercent,
                w.DoneJobs,
                w.Process.Pid,
                w.Jobs.Select(j => new WorkerJobRow(j.Id.ToString(), j.Path, j.DateStarted)).ToList()))
            .ToList();
        await WriteAsync(http, rows, Json.Default.IReadOnlyListWorkerRow).ConfigureAwait(false);
    }

    public static async Task ScheduledAsync(HttpContext http, DashboardState state)
    {
        var entries = await state.Store.GetScheduledJobsAsync(http.RequestAborted).ConfigureAwait(false);
        var now = DateTime.UtcNow;
        IReadOnlyList<ScheduledRow> rows = entries
            .OrderBy(e => e.Path, StringComparer.Ordinal)
            .Select(e => new ScheduledRow(e.Hash, e.Path, e.Params, e.Queue, e.Interval, e.DailyTime?.ToString("c", System.Globalization.CultureInfo.InvariantCulture), e.Weekday, e.Monthday, e.DateLastQueued, e.Cron, Scheduling.Scheduler.NextDue(e, now)))
            .ToList();
        await WriteAsync(http, rows, Json.Default.IReadOnlyListScheduledRow).ConfigureAwait(false);
    }

    // The option columns come from TaskOption's table, so an option added there shows up here with nothing else to change.
    public static Task CatalogAsync(HttpContext http, DashboardState state) => WriteAsync(http, new CatalogResponse(
        TaskOption.All.Select(static o => o.AttributeName).ToList(),
        TaskCatalog.All.OrderBy(t => t.Path, StringComparer.Ordinal)
            .Select(t => new TaskRow(t.Path, t.DefaultQueue, TaskOption.All.Select(o => t.Options.TryGetValue(o.ConfigKey, out var v) ? v : (int?)null).ToList())).ToList(),
        RawQueueCatalog.All.OrderBy(q => q.Name, StringComparer.Ordinal)
            .Select(q => new RawFactoryRow(q.Name, q.FactoryName, q.RetryQueue, q.StatusesNoStorage.Select(s => s.ToName()).ToList(), q.PushbackSeconds)).ToList()),
        Json.Default.CatalogResponse);

    public static async Task JobActionAsync(HttpContext http, DashboardState state)
    {
        var action = await ReadBodyAsync(http, Json.Default.JobActionRequest).ConfigureAwait(false);
        if (action is null)
        {
            return;
        }

        JobFilter filter;
        try
        {
            filter = JobFilterQuery.FromAction(action);
        }
        catch (ArgumentException e)
        {
            await BadRequestAsync(http, e.Message).ConfigureAwait(false);
            return;
        }

        if (filter.IsEmpty)
        {
            // MRQ's JobAction needs a criterion too: a click never touches every job.
            await BadRequestAsync(http, "An action needs at least one filter.").ConfigureAwait(false);
            return;
        }

        var destination = string.IsNullOrWhiteSpace(action.DestinationQueue) ? null : action.DestinationQueue.Trim();
        long count;
        switch (action.Action)
        {
            case "cancel":
                count = await state.Actions.CancelAsync(filter, http.RequestAborted).ConfigureAwait(false);
                break;
            case "requeue":
            case "requeue_retry":
                count = await state.Actions.RequeueAsync(filter, destination, keepRetryCount: action.Action == "requeue_retry", http.RequestAborted).ConfigureAwait(false);
                break;
            default:
                await BadRequestAsync(http, $"'{action.Action}' is not an action (cancel, requeue, requeue_retry).").ConfigureAwait(false);
                return;
        }

        state.Invalidate();
        await WriteAsync(http, new ActionResponse(count), Json.Default.ActionResponse).ConfigureAwait(false);
    }

    /// <summary>
    /// Enqueues a scheduled entry's job now (Hangfire's "trigger now"), on the queue the scheduler would use. The entry's
    /// own times do not change: its next run comes when it would have.
    /// </summary>
    public static async Task RunScheduledAsync(HttpContext http, DashboardState state)
    {
        var request = await ReadBodyAsync(http, Json.Default.ScheduledRunRequest).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        var entries = await state.Store.GetScheduledJobsAsync(http.RequestAborted).ConfigureAwait(false);
        if (entries.FirstOrDefault(e => e.Hash == request.Hash) is not { } entry)
        {
            await ErrorAsync(http, StatusCodes.Status404NotFound, "No scheduled entry has that hash (the workers' schedule may have changed).").ConfigureAwait(false);
            return;
        }

        var job = Scheduling.Scheduler.JobOf(entry);
        var id = await state.Actions.EnqueueAsync(job, http.RequestAborted).ConfigureAwait(false);
        state.Invalidate();
        await WriteAsync(http, new ScheduledRunResponse(id.ToString(), job.Queue), Json.Default.ScheduledRunResponse).ConfigureAwait(false);
    }

    public static async Task PauseAsync(HttpContext http, DashboardState state, bool pause)
    {
        var request = await ReadBodyAsync(http, Json.Default.QueueActionRequest).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(request.Queue))
        {
            await BadRequestAsync(http, "Name a queue.").ConfigureAwait(false);
            return;
        }

        if (pause)
        {
            await state.Actions.PauseQueueAsync(request.Queue.Trim(), http.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            await state.Actions.ResumeQueueAsync(request.Queue.Trim(), http.RequestAborted).ConfigureAwait(false);
        }

        await WriteAsync(http, new ActionResponse(1), Json.Default.ActionResponse).ConfigureAwait(false);
    }

    public static Task WriteAsync<T>(HttpContext http, T value, JsonTypeInfo<T> typeInfo)
    {
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsJsonAsync(value, typeInfo, contentType: null, http.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        return WriteAsync(http, new ErrorResponse(message), Json.Default.ErrorResponse);
    }

    private static Task BadRequestAsync(HttpContext http, string message) => ErrorAsync(http, StatusCodes.Status400BadRequest, message);

    private static async Task<T?> ReadBodyAsync<T>(HttpContext http, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(http.Request.Body, typeInfo, http.RequestAborted).ConfigureAwait(false);
            if (value is null)
            {
                await BadRequestAsync(http, "The body is empty.").ConfigureAwait(false);
            }

            return value;
        }
        catch (JsonException e)
        {
            await BadRequestAsync(http, $"The body is not valid JSON for this action: {e.Message}").ConfigureAwait(false);
            return null;
        }
    }

    private static async Task<JobInfo?> FindJobAsync(HttpContext http, DashboardState state)
    {
        if (!JobId.TryParse(http.Request.RouteValues["id"] as string, out var id))
        {
            await BadRequestAsync(http, "Not a job id.").ConfigureAwait(false);
            return null;
        }

        var job = await state.Store.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        if (job is null)
        {
            await ErrorAsync(http, StatusCodes.Status404NotFound, $"No job has the id {id}.").ConfigureAwait(false);
        }

        return job;
    }

    private static (int Skip, int Limit) Paging(HttpContext http)
    {
        var query = http.Request.Query;
        var skip = int.TryParse(query["skip"], out var s) && s > 0 ? s : 0;
        var limit = int.TryParse(query["limit"], out var l) && l > 0 ? Math.Min(l, MaxPageSize) : DefaultPageSize;
        return (skip, limit);
    }

    private static bool IsStale(WorkerReport worker, DateTime now, DashboardState state) =>
        worker.Status != "stop" && now - worker.DateReported > state.Options.StaleWorkerAfter;

    private static string TypeName(RawQueueType type) => type switch
    {
        RawQueueType.List => "raw",
        RawQueueType.Set => "set",
        RawQueueType.SortedSet => "sorted_set",
        RawQueueType.TimedSet => "timed_set",
        _ => type.ToString(),
    };

    private static List<NamedCount> SumByDetail(IReadOnlyList<JobGroupCount> groups) => groups
        .GroupBy(g => g.Detail, StringComparer.Ordinal)
        .Select(g => new NamedCount(g.Key, g.Sum(x => x.Count)))
        .OrderBy(c => c.Name, StringComparer.Ordinal)
        .ToList();

    private static IEnumerable<(string Key, long Total, IReadOnlyList<NamedCount> Statuses)> GroupRows(IReadOnlyList<JobGroupCount> groups) => groups
        .GroupBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => (g.Key, g.Sum(x => x.Count), (IReadOnlyList<NamedCount>)g.OrderBy(x => x.Detail, StringComparer.Ordinal).Select(x => new NamedCount(x.Detail, x.Count)).ToList()));
}
