using Mrq.MongoDB;
using Mrq.Storage;
using Mrq.Storage.Sqlite;
using Mrq.Tests.Support;

namespace Mrq.Tests.Storage;

public sealed class SqliteWorkerOperationsTests : WorkerOperationsConformanceTests
{
    private readonly TempDirectory _directory = new();

    protected override IJobStore OpenStore() => SqliteJobStore.Open(_directory.File("mrq.db"));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}

[MongoServerRequired]
public sealed class MongoWorkerOperationsTests : WorkerOperationsConformanceTests
{
    private readonly string _database = MongoTestServer.NewDatabaseName();

    protected override IJobStore OpenStore() => MongoJobStore.Open(MongoTestServer.Options(_database));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (MongoTestServer.Uri is not null)
        {
            await MongoTestServer.DropAsync(_database);
        }
    }
}
