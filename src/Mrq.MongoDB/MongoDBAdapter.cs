using Mrq.Configuration;
using Mrq.Infrastructure;

[assembly: MrqRegistration(typeof(Mrq.MongoDB.MongoDBAdapter))]

namespace Mrq.MongoDB;

/// <summary>
/// Jobs in MongoDB, in MRQ's collections, for the <c>mongodb_jobs</c> setting's <c>mongodb://</c> and
/// <c>mongodb+srv://</c> URIs. Mrq's generator calls <see cref="Register"/> in every project that references this package.
/// </summary>
// The same shape as RedisAdapter: the registration entry point every adapter package gives the generator to call.
public static class MongoDBAdapter
{
    /// <summary>Makes <c>mongodb://</c> URIs usable in <c>mongodb_jobs</c> and <c>mongodb_logs</c>. Calling it again does nothing.</summary>
    public static void Register() => StoreAdapters.Register(MongoJobStoreAdapter.Instance);
}
