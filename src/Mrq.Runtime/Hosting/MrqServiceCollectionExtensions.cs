using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mrq;
using Mrq.Configuration;
using Mrq.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Mrq in any .NET host (Generic Host, ASP.NET Core): <c>AddMrq</c> for the client, <c>AddMrqWorker</c> for workers.</summary>
public static class MrqServiceCollectionExtensions
{
    /// <summary>The configuration section read by default, with MRQ's key names (<c>"Mrq": { "GREENLETS": 10 }</c>).</summary>
    public const string DefaultSectionName = "Mrq";

    /// <summary>
    /// Adds Mrq's settings (from the host configuration's <c>"Mrq"</c> section, then <paramref name="configure"/>),
    /// checked when the host starts, and an <see cref="IMrqClient"/> singleton that the generated
    /// <c>Tasks.&lt;Name&gt;.Enqueue(...)</c> methods use once the host has started.
    /// </summary>
    public static MrqBuilder AddMrq(this IServiceCollection services, Action<MrqSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddMrq().Configure(configure);
    }

    /// <summary>
    /// Adds Mrq's settings (from the host configuration's <c>"Mrq"</c> section), checked when the host starts, and an
    /// <see cref="IMrqClient"/> singleton that the generated <c>Tasks.&lt;Name&gt;.Enqueue(...)</c> methods use once the
    /// host has started.
    /// </summary>
    public static MrqBuilder AddMrq(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return AddMrqCore(services, section: null);
    }

    /// <summary>
    /// Adds Mrq with its settings read from <paramref name="configuration"/>: a section as given, or the <c>"Mrq"</c>
    /// section of a configuration root.
    /// </summary>
    public static MrqBuilder AddMrq(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddMrqCore(services, configuration as IConfigurationSection ?? configuration.GetSection(DefaultSectionName));
    }

    /// <summary>
    /// Adds a worker that runs while the host runs, with MRQ's settings: the shared ones (<c>AddMrq</c>), then the
    /// <c>"Mrq:Workers:&lt;name&gt;"</c> configuration section, then <paramref name="configure"/> (queues, greenlets,
    /// dequeue strategy, max_jobs…). Stopping the host stops dequeuing and lets running jobs finish; running jobs still
    /// there shortly before the host's shutdown timeout are interrupted (status <c>interrupt</c>, requeued by workers).
    /// A host may run several workers, each under its own <paramref name="name"/>.
    /// </summary>
    public static IServiceCollection AddMrqWorker(this IServiceCollection services, string name, Action<MrqSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddMrqWorkerCore(services, name, configure);
    }

    /// <summary>Adds a worker named <paramref name="name"/> configured from the host's configuration only.</summary>
    public static IServiceCollection AddMrqWorker(this IServiceCollection services, string name) =>
        AddMrqWorkerCore(services, name, configure: null);

    /// <summary>Adds a worker named <c>worker</c> (see <see cref="AddMrqWorker(IServiceCollection, string, Action{MrqSettings})"/>).</summary>
    public static IServiceCollection AddMrqWorker(this IServiceCollection services, Action<MrqSettings> configure) =>
        services.AddMrqWorker("worker", configure);

    /// <summary>Adds a worker named <c>worker</c> configured from the host's configuration only.</summary>
    public static IServiceCollection AddMrqWorker(this IServiceCollection services) =>
        AddMrqWorkerCore(services, "worker", configure: null);

    private static IServiceCollection AddMrqWorkerCore(IServiceCollection services, string name, Action<MrqSettings>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!services.Any(d => d.ServiceType == typeof(MrqMarker)))
        {
            AddMrqCore(services, section: null);
        }

        var names = WorkerNames(services);
        if (names.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"A hosted Mrq worker named '{name}' is already added; give each worker its own name.");
        }

        names.Names.Add(name);
        var optionsName = MrqWorkerNames.OptionsName(name);
        services.AddOptions<MrqSettings>(optionsName).ValidateOnStart();
        services.AddSingleton<IConfigureOptions<MrqSettings>>(provider => new ConfigureNamedOptions<MrqSettings>(optionsName, settings =>
        {
            if (provider.GetService<IConfiguration>() is { } configuration)
            {
                var section = configuration.GetSection($"{DefaultSectionName}:{MrqConfigurationSection.WorkersKey}:{name}");
                MrqConfigurationSection.Apply(section, settings, settings.ConfigurationErrors, isWorkerSection: true);
            }

            configure?.Invoke(settings);
            settings.Name ??= $"{Environment.MachineName}.{Environment.ProcessId}.{name}";
        }));
        services.AddKeyedSingleton(name, (provider, _) => new HostedWorker(
            name,
            provider,
            provider.GetRequiredService<IOptionsMonitor<MrqSettings>>().Get(optionsName),
            provider.GetRequiredService<IMrqClient>(),
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<IHostApplicationLifetime>(),
            provider.GetRequiredService<IOptions<HostOptions>>().Value,
            provider.GetRequiredService<HostedWorkersEnd>()));
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredKeyedService<HostedWorker>(name));
        return services;
    }

    private static MrqBuilder AddMrqCore(IServiceCollection services, IConfiguration? section)
    {
        var builder = new MrqBuilder(services);
        if (services.Any(d => d.ServiceType == typeof(MrqMarker)))
        {
            // Added twice (AddMrqWorker before AddMrq, or a library and the application): one set of services, and a
            // section given now still applies.
            if (section is not null)
            {
                services.ConfigureAll<MrqSettings>(settings => MrqConfigurationSection.Apply(section, settings, settings.ConfigurationErrors));
            }

            return builder;
        }

        services.AddSingleton<MrqMarker>();
        services.AddOptions();
        services.AddSingleton(new MrqWorkerNames());
        services.AddSingleton<HostedWorkersEnd>();

        // Configuration first (for the client and every worker), so code configuration applied later wins.
        services.AddSingleton<IConfigureOptions<MrqSettings>>(provider => new ConfigureNamedOptions<MrqSettings>(null, settings =>
        {
            var from = section ?? provider.GetService<IConfiguration>()?.GetSection(DefaultSectionName);
            if (from is not null)
            {
                MrqConfigurationSection.Apply(from, settings, settings.ConfigurationErrors);
            }
        }));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MrqSettings>, MrqSettingsValidator>());
        services.AddOptions<MrqSettings>().ValidateOnStart();
        services.TryAddSingleton<IMrqClient>(provider => MrqClient.Create(provider.GetRequiredService<IOptions<MrqSettings>>().Value));

        // Before any worker or server starts: the generated façades' MrqClient.Default becomes this client.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, MrqDefaultClient>());
        return builder;
    }

    private static MrqWorkerNames WorkerNames(IServiceCollection services) =>
        (MrqWorkerNames)services.First(d => d.ServiceType == typeof(MrqWorkerNames)).ImplementationInstance!;

    /// <summary>Marks a service collection where Mrq's services are added.</summary>
    private sealed class MrqMarker;
}
