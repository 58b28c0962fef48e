using Microsoft.Extensions.Hosting;

namespace Mrq.Hosting;

/// <summary>
/// Makes the host's <see cref="IMrqClient"/> the one the generated façades use (<see cref="MrqClient.Default"/>) while
/// the host runs, so <c>Tasks.Square.Enqueue(n: 42)</c> goes to the stores the host configured.
/// </summary>
internal sealed class MrqDefaultClient(IMrqClient client) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        MrqClient.Default = client;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // The host disposes this client: later façade calls must not reach it.
        MrqClient.ResetDefault(client);
        return Task.CompletedTask;
    }
}
