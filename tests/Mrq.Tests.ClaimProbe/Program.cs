using System.Globalization;
using Mrq.Storage;
using Mrq.Storage.Sqlite;

namespace Mrq.Tests.ClaimProbe;

/// <summary>
/// Usage: <c>Mrq.Tests.ClaimProbe &lt;db-file&gt; &lt;queue&gt; &lt;worker-id&gt; &lt;min-batch&gt; &lt;max-batch&gt; [go-file]</c>.
/// Opens the store, prints <c>#ready</c>, waits until go-file exists (when given), then claims batches of a random
/// size between min and max from the queue until a claim returns nothing, printing each claimed id on its own line,
/// and ends with <c>#done &lt;count&gt;</c>. Lines starting with <c>#</c> are not ids.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length is < 5 or > 6)
        {
            await Console.Error.WriteLineAsync("usage: Mrq.Tests.ClaimProbe <db-file> <queue> <worker-id> <min-batch> <max-batch> [go-file]").ConfigureAwait(false);
            return 2;
        }

        var (file, queue, worker) = (args[0], args[1], args[2]);
        var minBatch = int.Parse(args[3], CultureInfo.InvariantCulture);
        var maxBatch = int.Parse(args[4], CultureInfo.InvariantCulture);
        var goFile = args.Length == 6 ? args[5] : null;

        using var output = new StreamWriter(Console.OpenStandardOutput(), bufferSize: 1 << 16) { AutoFlush = false };
        try
        {
            await using var store = SqliteJobStore.Open(file);
            await output.WriteLineAsync("#ready").ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);

            while (goFile is not null && !File.Exists(goFile))
            {
                await Task.Delay(5).ConfigureAwait(false);
            }

            var claimed = new List<ClaimedJob>(maxBatch);
            var total = 0;
            while (true)
            {
                claimed.Clear();
                var count = await store.ClaimAsync(queue, Random.Shared.Next(minBatch, maxBatch + 1), worker, claimed).ConfigureAwait(false);
                if (count == 0)
                {
                    break;
                }

                foreach (var job in claimed)
                {
                    await output.WriteLineAsync(job.Id.ToString()).ConfigureAwait(false);
                }

                total += count;
            }

            await output.WriteLineAsync("#done " + total.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception e)
        {
            await output.FlushAsync().ConfigureAwait(false);
            await Console.Error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            return 1;
        }
    }
}
