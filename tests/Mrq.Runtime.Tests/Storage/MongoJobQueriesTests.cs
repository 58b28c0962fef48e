using System.Buffers;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using Mrq.MongoDB;
using Mrq.Storage;

namespace Mrq.Tests.Storage;

/// <summary>
/// The BSON of every request the MongoDB store sends, built by the same <see cref="MongoJobQueries"/> methods the store
/// calls, compared (type for type, in canonical extended JSON) with the expected documents. Needs no server.
/// </summary>
public sealed class MongoJobQueriesTests
{
    private static readonly DateTime s_date = new(2025, 3, 14, 15, 9, 26, 535, DateTimeKind.Utc);
    private const string Date = "{ '$date': '2025-03-14T15:09:26.535Z' }";
    private const string DatePlus7 = "{ '$date': '2025-03-21T15:09:26.535Z' }";

    private static readonly JobId s_id = JobId.Parse("65b5a0401dcd65001dcd6501");
    private static readonly ObjectId s_token = ObjectId.Parse("65b5a0401dcd65001dcd65ff");
    private const string Oid = "{ '$oid': '65b5a0401dcd65001dcd6501' }";
    private const string Token = "{ '$oid': '65b5a0401dcd65001dcd65ff' }";

    private readonly ArrayBufferWriter<byte> _scratch = new();

    [Fact]
    public void Enqueue_inserts_a_queued_document_with_params_as_a_document()
    {
        byte[] parameters = [0x82, 0xA1, (byte)'n', 0x2A, 0xA1, (byte)'s', 0xA2, (byte)'h', (byte)'i'];

        var document = MongoJobQueries.NewJob(new NewJob(s_id, "tasks.Add", "default", parameters, s_date.AddTicks(9999)), _scratch);

        AssertBson($$"""
            { "_id": {{Oid}}, "path": "tasks.Add", "params": { "n": 42, "s": "hi" }, "queue": "default",
              "status": "queued", "datequeued": {{Date}}, "retry_count": 0 }
            """, document);
    }

    [Fact]
    public void Enqueue_keeps_the_original_bytes_only_when_the_bson_does_not_reproduce_them()
    {
        byte[] wide = [0x81, 0xA1, (byte)'n', 0xCE, 0, 0, 0, 1]; // 1 as uint32: not the shortest encoding
        byte[] notAMap = [0x93, 1, 2, 3];
        byte[] invalid = [9, 9, 0x81];

        AssertBson($$"""
            { "_id": {{Oid}}, "path": "p", "params": { "n": 1 }, "params_msgpack": { "$binary": { "base64": "gaFuzgAAAAE=", "subType": "00" } },
              "queue": "q", "status": "queued", "datequeued": {{Date}}, "retry_count": 0 }
            """, MongoJobQueries.NewJob(new NewJob(s_id, "p", "q", wide, s_date), _scratch));
        AssertBson($$"""
            { "_id": {{Oid}}, "path": "p", "params": { }, "params_msgpack": { "$binary": { "base64": "kwECAw==", "subType": "00" } },
              "queue": "q", "status": "queued", "datequeued": {{Date}}, "retry_count": 0 }
            """, MongoJobQueries.NewJob(new NewJob(s_id, "p", "q", notAMap, s_date), _scratch));
        AssertBson($$"""
            { "_id": {{Oid}}, "path": "p", "params": { }, "params_msgpack": { "$binary": { "base64": "CQmB", "subType": "00" } },
              "queue": "q", "status": "queued", "datequeued": {{Date}}, "retry_count": 0 }
            """, MongoJobQueries.NewJob(new NewJob(s_id, "p", "q", invalid, s_date), _scratch));
        AssertBson($$"""
            { "_id": {{Oid}}, "path": "p", "params": { }, "params_msgpack": { "$binary": { "base64": "", "subType": "00" } },
              "queue": "q", "status": "queued", "datequeued": {{Date}}, "retry_count": 0 }
            """, MongoJobQueries.NewJob(new NewJob(s_id, "p", "q", ReadOnlyMemory<byte>.Empty, s_date), _scratch));
    }

    [Fact]
    public void A_new_job_carries_its_trace_context_in_extra_fields_only_when_it_has_one()
    {
        const string parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        AssertBson($$"""
            { "_id": {{Oid}}, "path": "p", "params": { }, "params_msgpack": { "$binary": { "base64": "", "subType": "00" } },
              "queue": "q", "status": "queued", "datequeued": {{Date}}, "retry_count": 0,
              "traceparent": "{{parent}}", "tracestate": "vendor=x" }
            """, MongoJobQueries.NewJob(new NewJob(s_id, "p", "q", ReadOnlyMemory<byte>.Empty, s_date, parent, "vendor=x"), _scratch));

        var claimed = MongoJobQueries.ReadClaimed(
            new global::MongoDB.Bson.BsonDocument { { "_id", new global::MongoDB.Bson.ObjectId(s_id.ToString()) }, { "path", "p" }, { "traceparent", parent } },
            "q",
            s_date);
        Assert.Equal((parent, null), (claimed.TraceParent, claimed.TraceState));
    }

    [Fact]
    public void Claim_step_a_reads_queued_ids_in_fifo_order()
    {
        AssertBson("""{ "queue": "emails", "status": "queued" }""", MongoJobQueries.QueuedFilter("emails"));
        AssertBson("""{ "datequeued": 1, "_id": 1 }""", MongoJobQueries.FifoSort());
        AssertBson("""{ "_id": 1 }""", MongoJobQueries.IdOnlyProjection());
    }

    [Fact]
    public void Claim_step_b_starts_only_jobs_still_queued_and_stamps_the_claim_token()
    {
        BsonValue[] ids = [new ObjectId("65b5a0401dcd65001dcd6501"), new ObjectId("65b5a0401dcd65001dcd6502")];

        AssertBson("""
            { "_id": { "$in": [ { "$oid": "65b5a0401dcd65001dcd6501" }, { "$oid": "65b5a0401dcd65001dcd6502" } ] }, "status": "queued" }
            """, MongoJobQueries.ClaimFilter(ids));
        AssertBson($$"""
            { "$set": { "status": "started", "worker": "worker-1", "claim": {{Token}}, "datestarted": {{Date}} },
              "$unset": { "dateexpires": "" } }
            """, MongoJobQueries.ClaimUpdate("worker-1", s_token, s_date));
    }

    [Fact]
    public void Claim_step_c_reads_back_exactly_the_jobs_of_the_token()
    {
        BsonValue[] ids = [new ObjectId("65b5a0401dcd65001dcd6501")];

        AssertBson($$"""
            { "_id": { "$in": [ {{Oid}} ] }, "claim": {{Token}}, "status": "started" }
            """, MongoJobQueries.ClaimedFilter(ids, s_token));
        AssertBson("""{ "path": 1, "params": 1, "params_msgpack": 1, "retry_count": 1, "datequeued": 1, "traceparent": 1, "tracestate": 1 }""", MongoJobQueries.ClaimedProjection());
        AssertBson($$"""
            { "_id": { "$in": [ {{Oid}} ] }, "claim": {{Token}}, "status": "started" }
            """, MongoJobQueries.ClaimRollbackFilter(ids, s_token));
        AssertBson("""
            { "$set": { "status": "queued" }, "$unset": { "worker": "", "claim": "", "datestarted": "" } }
            """, MongoJobQueries.ClaimRollbackUpdate());
    }

    [Fact]
    public void A_success_outcome_is_one_pipeline_update_setting_result_expiry_and_progress()
    {
        var outcome = new JobOutcome(s_id, JobStatus.Success, s_date, new byte[] { 0x93, 1, 2, 3 }, DateExpires: s_date.AddDays(7), TotalTime: 1.25);

        AssertBson($$"""{ "_id": {{Oid}} }""", MongoJobQueries.OutcomeFilter(outcome));
        AssertBson($$"""
            [
              { "$set": {
                  "status": { "$literal": "success" },
                  "dateupdated": { "$literal": {{Date}} },
                  "result": { "$literal": [ 1, 2, 3 ] },
                  "dateexpires": { "$literal": {{DatePlus7}} },
                  "totaltime": { "$literal": 1.25 },
                  "progress": { "$cond": [ { "$gt": [ "$progress", null ] }, 1.0, "$$REMOVE" ] } } },
              { "$unset": [ "result_msgpack", "exceptiontype", "traceback", "dateretry" ] }
            ]
            """, MongoJobQueries.OutcomeUpdate(outcome, _scratch));
    }

    [Fact]
    public void A_result_that_is_not_a_map_is_stored_as_its_bson_value_and_no_result_unsets_it()
    {
        var scalar = new JobOutcome(s_id, JobStatus.Success, s_date, new byte[] { 0xA2, (byte)'o', (byte)'k' });
        var nil = new JobOutcome(s_id, JobStatus.Success, s_date, new byte[] { 0xC0 });
        var none = new JobOutcome(s_id, JobStatus.Success, s_date);

        Assert.Equal(new BsonDocument("$literal", "ok"), MongoJobQueries.OutcomeUpdate(scalar, _scratch)[0]["$set"]["result"]);
        Assert.Equal(new BsonDocument("$literal", BsonNull.Value), MongoJobQueries.OutcomeUpdate(nil, _scratch)[0]["$set"]["result"]);
        var unset = MongoJobQueries.OutcomeUpdate(none, _scratch)[1]["$unset"].AsBsonArray;
        Assert.Contains(new BsonString("result"), unset);
        Assert.Contains(new BsonString("result_msgpack"), unset);
    }

    [Fact]
    public void A_retry_outcome_guarded_by_its_worker_moves_the_job_and_appends_history()
    {
        var outcome = new JobOutcome(s_id, JobStatus.Retry, s_date, ExceptionType: "RetryInterrupt", Traceback: "$not a field path")
        {
            Worker = "worker-1",
            Queue = "later",
            RetryCount = 2,
            DateRetry = s_date.AddDays(7),
            DateQueued = s_date,
            OriginalTraceback = "original",
        };

        AssertBson($$"""{ "_id": {{Oid}}, "status": "started", "worker": "worker-1" }""", MongoJobQueries.OutcomeFilter(outcome));
        AssertBson($$"""
            [
              { "$set": {
                  "status": { "$literal": "retry" },
                  "dateupdated": { "$literal": {{Date}} },
                  "exceptiontype": { "$literal": "RetryInterrupt" },
                  "traceback": { "$literal": "$not a field path" },
                  "dateretry": { "$literal": {{DatePlus7}} },
                  "queue": { "$literal": "later" },
                  "retry_count": { "$literal": 2 },
                  "datequeued": { "$literal": {{Date}} },
                  "traceback_history": { "$concatArrays": [
                      { "$ifNull": [ "$traceback_history", [ ] ] },
                      [ { "date": { "$literal": {{Date}} }, "status": { "$literal": "retry" },
                          "exceptiontype": { "$literal": "RetryInterrupt" }, "traceback": { "$literal": "$not a field path" },
                          "original_traceback": { "$literal": "original" }, "worker": "$worker" } ] ] } } },
              { "$unset": [ "result", "result_msgpack", "dateexpires", "totaltime" ] }
            ]
            """, MongoJobQueries.OutcomeUpdate(outcome, _scratch));
    }

    [Fact]
    public void The_driver_sends_the_built_documents_unchanged()
    {
        var serializer = BsonSerializer.SerializerRegistry.GetSerializer<BsonDocument>();
        var args = new RenderArgs<BsonDocument>(serializer, BsonSerializer.SerializerRegistry);
        var outcome = new JobOutcome(s_id, JobStatus.Failed, s_date, ExceptionType: "E", Traceback: "t");
        var stages = MongoJobQueries.OutcomeUpdate(outcome, _scratch);

        FilterDefinition<BsonDocument> filter = MongoJobQueries.QueuedFilter("q");
        UpdateDefinition<BsonDocument> update = MongoJobQueries.ClaimUpdate("w", s_token, s_date);
        SortDefinition<BsonDocument> sort = MongoJobQueries.FifoSort();
        ProjectionDefinition<BsonDocument, BsonDocument> projection = MongoJobQueries.ClaimedProjection();

        Assert.Equal(MongoJobQueries.QueuedFilter("q"), filter.Render(args));
        Assert.Equal(MongoJobQueries.ClaimUpdate("w", s_token, s_date), update.Render(args));
        Assert.Equal(MongoJobQueries.FifoSort(), sort.Render(args));
        Assert.Equal(MongoJobQueries.ClaimedProjection(), projection.Render(args).Document);
        Assert.Equal(stages, MongoJobStore.Pipeline(stages).Render(args));
    }

    [Fact]
    public void A_whole_document_round_trips_through_bson()
    {
        var job = new JobInfo
        {
            Id = s_id,
            Path = "tasks.Raw",
            Queue = "retry_queue",
            Status = JobStatus.Failed,
            Params = new byte[] { 0x81, 0xA1, (byte)'x', 0x01 },
            Result = new byte[] { 0xCA, 0x3F, 0xC0, 0, 0 }, // float32: kept as bytes too
            ExceptionType = "E",
            Traceback = "t",
            DateQueued = s_date,
            DateStarted = s_date.AddSeconds(1),
            DateUpdated = s_date.AddSeconds(2),
            DateExpires = s_date.AddDays(7),
            DateRetry = s_date.AddSeconds(3),
            Worker = "w",
            RetryCount = 3,
            TotalTime = 0.5,
            Progress = 0.25,
            RawQueue = "q_raw",
            TracebackHistory = [new TracebackEntry { Date = s_date, Status = JobStatus.Failed, ExceptionType = "E", Traceback = "t", Worker = "w" }],
        };

        var document = MongoJobQueries.JobDocument(job, _scratch);
        var back = MongoJobQueries.ReadJob(document);

        AssertBson($$"""
            { "_id": {{Oid}}, "path": "tasks.Raw", "params": { "x": 1 }, "queue": "retry_queue", "status": "failed",
              "result": 1.5, "result_msgpack": { "$binary": { "base64": "yj/AAAA=", "subType": "00" } },
              "exceptiontype": "E", "traceback": "t", "datequeued": {{Date}},
              "datestarted": { "$date": "2025-03-14T15:09:27.535Z" }, "dateupdated": { "$date": "2025-03-14T15:09:28.535Z" },
              "dateexpires": {{DatePlus7}}, "dateretry": { "$date": "2025-03-14T15:09:29.535Z" }, "worker": "w", "retry_count": 3,
              "totaltime": 0.5, "progress": 0.25, "raw_queue": "q_raw",
              "traceback_history": [ { "date": {{Date}}, "status": "failed", "exceptiontype": "E", "traceback": "t", "worker": "w" } ] }
            """, document);
        Assert.Equal(job.Params.ToArray(), back.Params.ToArray());
        Assert.Equal(job.Result.Value.ToArray(), back.Result!.Value.ToArray());
        Assert.Equal(
            (job.Id, job.Path, job.Queue, job.Status, job.ExceptionType, job.Traceback, job.DateQueued, job.DateStarted, job.DateUpdated, job.DateExpires, job.DateRetry),
            (back.Id, back.Path, back.Queue, back.Status, back.ExceptionType, back.Traceback, back.DateQueued, back.DateStarted, back.DateUpdated, back.DateExpires, back.DateRetry));
        Assert.Equal((job.Worker, job.RetryCount, job.TotalTime, job.Progress, job.RawQueue), (back.Worker, back.RetryCount, back.TotalTime, back.Progress, back.RawQueue));
        Assert.Equal(job.TracebackHistory, back.TracebackHistory);
    }

    [Fact]
    public void Documents_written_by_mrq_itself_are_read_leniently()
    {
        var document = BsonDocument.Parse($$"""
            { "_id": {{Oid}}, "path": "tasks.Add", "params": { "a": 1, "b": [ 2.5, "x" ] }, "queue": "default",
              "status": "success", "worker": { "$oid": "65b5a0401dcd65001dcd65ff" }, "retry_count": { "$numberLong": "2" },
              "totaltime": 3, "result": 3, "datequeued": {{Date}} }
            """);

        var job = MongoJobQueries.ReadJob(document);

        Assert.Equal(s_id, job.Id);
        Assert.Equal(JobStatus.Success, job.Status);
        Assert.Equal("65b5a0401dcd65001dcd65ff", job.Worker);
        Assert.Equal(2, job.RetryCount);
        Assert.Equal(3.0, job.TotalTime);
        Assert.Equal([0x03], job.Result!.Value.ToArray());
        Assert.Equal(Convert.FromHexString("82A16101A16292CB4004000000000000A178"), job.Params.ToArray());
        Assert.Equal(DateTimeKind.Utc, job.DateQueued!.Value.Kind);
        Assert.Null(job.DateStarted);
        Assert.Empty(job.TracebackHistory);
    }

    [Fact]
    public void Reads_counts_and_logs()
    {
        AssertBson($$"""{ "_id": {{Oid}} }""", MongoJobQueries.IdFilter(s_id));
        AssertBson("""{ "queue": "q", "status": "maxretries" }""", MongoJobQueries.CountFilter("q", JobStatus.MaxRetries));
        AssertBson($$"""{ "job": {{Oid}}, "logs": "line\n" }""", MongoJobQueries.LogEntry(s_id, "line\n"));
        AssertBson($$"""{ "job": {{Oid}} }""", MongoJobQueries.LogsOfJobFilter(s_id));
        AssertBson("""{ "_id": 1 }""", MongoJobQueries.LogsSort());
        AssertBson("""{ "$set": { "progress": 0.5 } }""", MongoJobQueries.ProgressUpdate(0.5));
        AssertBson($$"""{ "_id": { "$in": [ {{Oid}} ] }, "status": "started", "worker": "w" }""", MongoJobQueries.StillClaimedFilter(MongoJobQueries.ToBsonIds([s_id]), "w"));
    }

    [Fact]
    public void Bulk_actions_select_by_filter_and_never_everything()
    {
        Assert.Null(MongoJobQueries.SelectionFilter(new JobFilter(), null));
        AssertBson($$"""
            { "_id": {{Oid}}, "queue": "q", "path": "p", "exceptiontype": "E", "worker": "w", "status": { "$in": [ "failed", "queued" ] } }
            """, MongoJobQueries.SelectionFilter(new JobFilter { Id = s_id, Queue = "q", Path = "p", ExceptionType = "E", Worker = "w", Statuses = [JobStatus.Failed, JobStatus.Queued] }, null)!);

        // "x/" is the queue x and its subqueues; a raw queue's jobs are selected by raw_queue.
        AssertBson("""{ "$or": [ { "queue": "x" }, { "queue": { "$gte": "x/", "$lt": "x0" } } ], "raw_queue": "r_raw" }""",
            MongoJobQueries.SelectionFilter(new JobFilter { Queue = "x/", RawQueue = "r_raw" }, null)!);

        // The dashboard's queries: an empty filter selects every job; pages are newest first.
        AssertBson("{ }", MongoJobQueries.QueryFilter(new JobFilter()));
        AssertBson("""{ "path": "p" }""", MongoJobQueries.QueryFilter(new JobFilter { Path = "p" }));
        AssertBson("""{ "_id": -1 }""", MongoJobQueries.NewestFirstSort());
        Assert.Equal(
            """[{ "$match" : { "exceptiontype" : { "$exists" : true, "$ne" : null } } }, { "$group" : { "_id" : { "k" : "$path", "d" : "$exceptiontype" }, "n" : { "$sum" : 1 } } }]""",
            new BsonArray(MongoJobQueries.GroupCountPipeline("path", "exceptiontype", MongoJobQueries.WithFieldFilter("exceptiontype"))).ToJson());
        AssertBson($$"""{ "job": {{Oid}}, "_id": { "$gt": {{Token}} } }""", MongoJobQueries.LogsAfterFilter(s_id, s_token));

        // Cancel only touches queued, started and retry jobs, within the statuses the filter names.
        AssertBson("""{ "queue": "q", "status": { "$in": [ "queued", "started", "retry" ] } }""",
            MongoJobQueries.SelectionFilter(new JobFilter { Queue = "q" }, MongoJobQueries.CancellableStatuses)!);
        AssertBson("""{ "path": "p", "status": { "$in": [ "retry" ] } }""",
            MongoJobQueries.SelectionFilter(new JobFilter { Path = "p", Statuses = [JobStatus.Retry, JobStatus.Success] }, MongoJobQueries.CancellableStatuses)!);
        AssertBson("""{ "status": { "$in": [ ] } }""",
            MongoJobQueries.SelectionFilter(new JobFilter { Statuses = [] }, null)!);

        // A params filter is compared on the client, then jobs are updated by id with the rest of the selection.
        AssertBson("""{ "params": 1, "params_msgpack": 1 }""", MongoJobQueries.ParamsProjection());
        AssertBson($$"""{ "_id": { "$in": [ {{Oid}} ] }, "queue": "q" }""",
            MongoJobQueries.IdsFilter(MongoJobQueries.ToBsonIds([s_id]), BsonDocument.Parse("""{ "_id": 1, "queue": "q" }""")));
    }

    [Fact]
    public void Cancel_requeue_retries_and_purge_updates()
    {
        AssertBson($$"""{ "$set": { "status": "cancel", "dateupdated": {{Date}}, "dateexpires": {{DatePlus7}} } }""",
            MongoJobQueries.CancelUpdate(s_date, s_date.AddDays(7)));
        AssertBson($$"""
            { "$set": { "status": "queued", "queue": "other", "datequeued": {{Date}}, "dateupdated": {{Date}}, "retry_count": 0 },
              "$unset": { "dateexpires": "", "dateretry": "" } }
            """, MongoJobQueries.RequeueUpdate("other", keepRetryCount: false, s_date));
        AssertBson($$"""
            { "$set": { "status": "queued", "datequeued": {{Date}}, "dateupdated": {{Date}} }, "$unset": { "dateexpires": "", "dateretry": "" } }
            """, MongoJobQueries.RequeueUpdate(null, keepRetryCount: true, s_date));
        AssertBson($$"""{ "status": "retry", "dateretry": { "$lte": {{Date}} } }""", MongoJobQueries.DueRetriesFilter(s_date));
        AssertBson($$"""
            { "$set": { "status": "queued", "datequeued": {{Date}}, "dateupdated": {{Date}} }, "$unset": { "dateretry": "" } }
            """, MongoJobQueries.DueRetriesUpdate(s_date));
        AssertBson($$"""{ "dateexpires": { "$lte": {{Date}} } }""", MongoJobQueries.ExpiredFilter(s_date));
        AssertBson($$"""{ "job": { "$in": [ {{Oid}} ] } }""", MongoJobQueries.LogsOfJobsFilter(MongoJobQueries.ToBsonIds([s_id])));
    }

    [Fact]
    public void Params_filters_compare_json_values_like_the_embedded_store()
    {
        var wanted = ParamsFilter.Parse("""{ "n": 42, "s": "hi" }""");

        Assert.True(ParamsFilter.Matches(new byte[] { 0x83, 0xA1, (byte)'n', 0x2A, 0xA1, (byte)'s', 0xA2, (byte)'h', (byte)'i', 0xA1, (byte)'x', 0xC0 }, wanted));
        Assert.False(ParamsFilter.Matches(new byte[] { 0x81, 0xA1, (byte)'n', 0x2A }, wanted));
        Assert.False(ParamsFilter.Matches(new byte[] { 9, 9 }, wanted));
        Assert.Throws<ArgumentException>(() => ParamsFilter.Parse("{ nope"));
    }

    [Fact]
    public void Dates_are_utc_milliseconds_rounded_down()
    {
        Assert.Equal(new BsonDateTime(1), MongoDates.ToBson(DateTime.UnixEpoch.AddTicks(19_999)));
        Assert.Equal(new BsonDateTime(-1), MongoDates.ToBson(DateTime.UnixEpoch.AddTicks(-1)));
        Assert.Equal(new BsonDateTime(0), MongoDates.ToBson(DateTime.SpecifyKind(DateTime.UnixEpoch, DateTimeKind.Unspecified)));
        Assert.Equal(DateTime.MaxValue.Ticks - (DateTime.MaxValue.Ticks % TimeSpan.TicksPerMillisecond), MongoDates.FromUnixMilliseconds(long.MaxValue).Ticks);
        Assert.Equal(DateTimeKind.Utc, MongoDates.Floor(DateTime.Now).Kind);
    }

    /// <summary>Compares in canonical extended JSON, so an int32 never passes for an int64 or a double.</summary>
    internal static void AssertBson(string expectedJson, BsonValue actual)
    {
        var settings = new JsonWriterSettings { OutputMode = JsonOutputMode.CanonicalExtendedJson };
        var expected = expectedJson.TrimStart().StartsWith('[')
            ? (BsonValue)BsonSerializer.Deserialize<BsonArray>(expectedJson)
            : BsonDocument.Parse(expectedJson);
        Assert.Equal(expected.ToJson(settings), actual.ToJson(settings));
    }
}
