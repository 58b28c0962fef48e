using MongoDB.Bson;
using MongoDB.Driver;
using Mrq.MongoDB;
using Mrq.Storage;
using Mrq.Tests.Generated;

namespace Mrq.Tests.Storage;

/// <summary>
/// The conformance suite on a real MongoDB server (<c>MRQ_MONGODB_URI</c>), each test in its own database dropped
/// afterwards, plus what only the MongoDB store promises (MRQ's document layout, indexes, a separate logs database).
/// Without the variable every test here is reported as skipped.
/// </summary>
[MongoServerRequired]
public sealed class MongoJobStoreTests : JobStoreConformanceTests
{
    private readonly string _database = MongoTestServer.NewDatabaseName();
    private readonly List<string> _otherDatabases = [];
    private readonly Lock _indexGate = new();
    private bool _indexed;

    protected override IJobStore OpenStoreCore()
    {
        var store = MongoJobStore.Open(MongoTestServer.Options(_database));
        lock (_indexGate)
        {
            if (!_indexed)
            {
                MongoTestServer.CreateIndexesWithoutTtl(store.Database);
                _indexed = true;
            }
        }

        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (MongoTestServer.Uri is not null)
        {
            await MongoTestServer.DropAsync(_database);
            foreach (var database in _otherDatabases)
            {
                await MongoTestServer.DropAsync(database);
            }
        }
    }

    [MongoFact]
    public async Task Ensure_indexes_creates_mrqs_indexes_and_is_idempotent()
    {
        await using var store = await MongoJobStore.OpenAsync(MongoTestServer.Options(_database) with { EnsureIndexes = true });
        await store.EnsureIndexesAsync();

        foreach (var (database, expected) in new[] { (store.Database, MongoIndexes.Jobs), (store.LogsDatabase!, MongoIndexes.Logs) })
        {
            using var cursor = await database.GetCollection<BsonDocument>(expected[0].Collection).Indexes.ListAsync();
            var actual = (await cursor.ToListAsync()).Where(i => i["name"] != "_id_").ToDictionary(i => i["name"].AsString);
            Assert.Equal(expected.Select(i => i.Name).Order(), actual.Keys.Order());
            foreach (var index in expected)
            {
                var found = actual[index.Name];
                Assert.Equal(index.Keys, found["key"].AsBsonDocument);
                Assert.Equal(index.Sparse, found.GetValue("sparse", false).ToBoolean());
                Assert.Equal(index.ExpireAfterSeconds, found.TryGetValue("expireAfterSeconds", out var ttl) ? ttl.ToInt32() : null);
            }
        }

        var options = await store.Database.ListCollectionsAsync(new ListCollectionsOptions { Filter = new BsonDocument("name", MongoFields.LogsCollection) });
        Assert.True((await options.SingleAsync())["options"].AsBsonDocument.GetValue("capped", false).ToBoolean());
    }

    [MongoFact]
    public async Task Jobs_are_stored_with_mrqs_field_names_and_types()
    {
        var store = OpenStore();
        var job = Tasks.DisposableTask.Job(41);
        var id = JobId.NewId();
        await store.EnqueueAsync(new[] { new NewJob(id, job.Path, "default", job.Params, BaseDate) });
        var raw = await RawAsync(id);

        Assert.Equal(new ObjectId(id.ToByteArray()), raw["_id"].AsObjectId);
        Assert.Equal(BsonDocument.Parse("{ n: 41 }"), raw["params"].AsBsonDocument);
        Assert.False(raw.Contains(MongoFields.ParamsMessagePack));
        Assert.Equal("queued", raw["status"].AsString);
        Assert.Equal(BaseDate, raw["datequeued"].ToUniversalTime());

        var claimed = new List<ClaimedJob>();
        Assert.Equal(1, await store.ClaimAsync("default", 1, "w1", claimed));
        raw = await RawAsync(id);
        Assert.Equal("started", raw["status"].AsString);
        Assert.Equal("w1", raw["worker"].AsString);
        Assert.True(raw.Contains("datestarted"));

        await store.CompleteAsync(new[]
        {
            new JobOutcome(id, JobStatus.Failed, BaseDate.AddSeconds(1), ExceptionType: "System.Exception", Traceback: "$boom", TotalTime: 0.5) { Worker = "w1" },
        });
        raw = await RawAsync(id);
        Assert.Equal("failed", raw["status"].AsString);
        Assert.Equal("$boom", raw["traceback"].AsString);
        Assert.Equal("System.Exception", raw["exceptiontype"].AsString);
        var history = raw["traceback_history"].AsBsonArray.Single().AsBsonDocument;
        Assert.Equal("failed", history["status"].AsString);
        Assert.Equal("w1", history["worker"].AsString);
        Assert.Equal("$boom", history["traceback"].AsString);
        Assert.False(raw.Contains("result"));
    }

    [MongoFact]
    public async Task Params_of_generated_tasks_are_documents_and_come_back_byte_for_byte()
    {
        var store = OpenStore();
        var jobs = MongoGeneratedParams.All().Select((job, n) => new NewJob(Id(BaseDate, n), job.Path, "default", job.Params, BaseDate)).ToArray();
        await store.EnqueueAsync(jobs);

        foreach (var job in jobs)
        {
            Assert.Equal(job.Params.ToArray(), (await store.GetAsync(job.Id))!.Params.ToArray());
            Assert.Equal(BsonType.Document, (await RawAsync(job.Id))["params"].BsonType);
        }

        var claimed = await ClaimAllAsync(store, "default", 100);
        Assert.Equal(jobs.Select(j => j.Params.ToArray()), claimed.Select(c => c.Params.ToArray()));
    }

    [MongoFact]
    public async Task Logs_go_to_a_separate_database_when_mongodb_logs_is_a_uri()
    {
        var logsDatabase = MongoTestServer.NewDatabaseName();
        _otherDatabases.Add(logsDatabase);
        var logsUri = new MongoUrlBuilder(MongoTestServer.RequiredUrl.ToString()) { DatabaseName = logsDatabase }.ToMongoUrl();
        await using var store = await MongoJobStore.OpenAsync(MongoTestServer.Options(_database, MongoLogsSetting.Separate(logsUri)) with { EnsureIndexes = true });
        var job = Job(1, BaseDate);
        await store.EnqueueAsync(new[] { job });
        await ClaimAllAsync(store, "default", 1);

        await store.CompleteAsync(new[] { new JobOutcome(job.Id, JobStatus.Success, BaseDate) { Logs = "line 1\n" } });
        await store.CompleteAsync(new[] { new JobOutcome(job.Id, JobStatus.Success, BaseDate) { Logs = "line 2\n" } });

        Assert.Equal(logsDatabase, store.LogsDatabase!.DatabaseNamespace.DatabaseName);
        Assert.Equal("line 1\nline 2\n", await store.GetLogsAsync(job.Id));
        using var client = MongoTestServer.NewClient();
        Assert.Equal(2, await client.GetDatabase(logsDatabase).GetCollection<BsonDocument>("mrq_logs").CountDocumentsAsync(new BsonDocument("job", new ObjectId(job.Id.ToByteArray()))));
        Assert.Equal(0, await client.GetDatabase(_database).GetCollection<BsonDocument>("mrq_logs").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
    }

    [MongoFact]
    public async Task Logs_are_dropped_when_mongodb_logs_is_0()
    {
        await using var store = MongoJobStore.Open(MongoTestServer.Options(_database, MongoLogsSetting.Disabled));
        var job = Job(1, BaseDate);
        await store.EnqueueAsync(new[] { job });
        await store.CompleteAsync(new[] { new JobOutcome(job.Id, JobStatus.Success, BaseDate) { Logs = "x" } });

        Assert.Null(store.LogsDatabase);
        Assert.Equal("", await store.GetLogsAsync(job.Id));
    }

    [MongoFact]
    public async Task A_worker_outcome_does_not_overwrite_a_job_cancelled_while_it_ran()
    {
        var store = OpenStore();
        var job = Job(1, BaseDate);
        await store.EnqueueAsync(new[] { job });
        await ClaimAllAsync(store, "default", 1, worker: "w1");

        Assert.Equal(1, await store.CancelAsync(JobFilter.ById(job.Id), BaseDate, BaseDate.AddDays(1)));
        Assert.Equal([job.Id], await store.FindLostClaimsAsync([job.Id], "w1"));
        await store.CompleteAsync(new[] { new JobOutcome(job.Id, JobStatus.Success, BaseDate.AddSeconds(5), new byte[] { 1 }) { Worker = "w1" } });

        var info = (await store.GetAsync(job.Id))!;
        Assert.Equal(JobStatus.Cancel, info.Status);
        Assert.Equal(BaseDate.AddDays(1), info.DateExpires);
        Assert.Null(info.Result);
        Assert.Equal(0, await store.CancelAsync(new JobFilter(), BaseDate, BaseDate));
    }

    [MongoFact]
    public async Task A_retry_becomes_queued_again_in_its_new_queue_once_due()
    {
        var store = OpenStore();
        var job = Job(1, BaseDate);
        await store.EnqueueAsync(new[] { job });
        await ClaimAllAsync(store, "default", 1, worker: "w1");
        var now = BaseDate.AddMinutes(1);

        await store.CompleteAsync(new[]
        {
            new JobOutcome(job.Id, JobStatus.Retry, now, ExceptionType: "RetryInterrupt", Traceback: "retry #1", DateExpires: now.AddDays(180))
            {
                Worker = "w1", Queue = "later", RetryCount = 1, DateRetry = now.AddSeconds(10), OriginalTraceback = "boom",
            },
        });
        Assert.Equal(0, await store.RequeueDueRetriesAsync(now.AddSeconds(9)));
        Assert.Equal(1, await store.RequeueDueRetriesAsync(now.AddSeconds(10)));

        var info = (await store.GetAsync(job.Id))!;
        Assert.Equal((JobStatus.Queued, "later", 1), (info.Status, info.Queue, info.RetryCount));
        Assert.Null(info.DateRetry);
        Assert.Equal(now.AddSeconds(10), info.DateQueued);
        var entry = Assert.Single(info.TracebackHistory);
        Assert.Equal((JobStatus.Retry, "RetryInterrupt", "retry #1", "boom", "w1"), (entry.Status, entry.ExceptionType, entry.Traceback, entry.OriginalTraceback, entry.Worker));
        Assert.Equal(job.Id, (await ClaimAllAsync(store, "later", 10)).Single().Id);
    }

    [MongoFact]
    public async Task Requeue_selects_by_params_and_moves_jobs_to_the_end_of_the_destination()
    {
        var store = OpenStore();
        await store.EnqueueAsync(new[] { Job(1, BaseDate), Job(2, BaseDate), Job(3, BaseDate) });
        await ClaimAllAsync(store, "default", 10);
        var now = BaseDate.AddHours(1);

        Assert.Equal(1, await store.RequeueAsync(new JobFilter { Queue = "default", Params = """{ "n": 2 }""" }, "dest", keepRetryCount: false, now));
        Assert.Equal(2, await store.RequeueAsync(new JobFilter { Statuses = [JobStatus.Started] }, null, keepRetryCount: true, now));

        var moved = (await store.GetAsync(Id(BaseDate, 2)))!;
        Assert.Equal((JobStatus.Queued, "dest", now, 0), (moved.Status, moved.Queue, moved.DateQueued, moved.RetryCount));
        Assert.Equal(2, await store.CountAsync("default", JobStatus.Queued));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.RequeueAsync(new JobFilter { Params = "{ nope" }, null, false, now));
    }

    private async Task<BsonDocument> RawAsync(JobId id)
    {
        using var client = MongoTestServer.NewClient();
        var collection = client.GetDatabase(_database).GetCollection<BsonDocument>(MongoFields.JobsCollection);
        return await (await collection.FindAsync(new BsonDocument("_id", new ObjectId(id.ToByteArray())))).SingleAsync();
    }
}
