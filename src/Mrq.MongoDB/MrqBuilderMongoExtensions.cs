using Mrq.Hosting;
using Mrq.MongoDB;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>MongoDB as the job store in a host.</summary>
public static class MrqBuilderMongoExtensions
{
    /// <summary>Keeps jobs in MongoDB (MRQ's <c>MONGODB_JOBS</c>), for example <c>mongodb://127.0.0.1:27017/mrq</c>.</summary>
    public static MrqBuilder UseMongoDB(this MrqBuilder builder, string uri)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(uri);

        // A host whose project does not run Mrq's generator still gets the adapter this method belongs to.
        MongoDBAdapter.Register();
        return builder.Set("mongodb_jobs", uri, nameof(UseMongoDB));
    }
}
