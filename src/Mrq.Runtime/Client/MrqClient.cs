using Mrq.Configuration;

namespace Mrq;

/// <summary>
/// The client the generated <c>Tasks.&lt;Name&gt;.Enqueue(...)</c> methods use. Unless set, it is created on first use
/// from <c>mrq-config.json</c> and <c>MRQ_*</c> environment variables (so, by default, the embedded store
/// <c>mrq.db</c> in the working directory).
/// </summary>
public static class MrqClient
{
    private static readonly Lock s_gate = new();
    private static IMrqClient? s_default;

    /// <summary>The process-wide client.</summary>
    public static IMrqClient Default
    {
        get
        {
            var client = Volatile.Read(ref s_default);
            if (client is not null)
            {
                return client;
            }

            lock (s_gate)
            {
                return s_default ??= Create(ConfigurationLoader.Load());
            }
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Volatile.Write(ref s_default, value);
        }
    }

    /// <summary>Forgets <paramref name="client"/> as the default (a host stopping), unless another client replaced it meanwhile.</summary>
    internal static void ResetDefault(IMrqClient client) => Interlocked.CompareExchange(ref s_default, null, client);

    /// <summary>Creates a client on the stores <paramref name="settings"/> name. Dispose it to close them.</summary>
    public static IMrqClient Create(MrqSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new StoreClient(() => StoreFactory.OpenJobStore(settings), () => StoreFactory.OpenBroker(settings), ownsStores: true, settings);
    }
}
