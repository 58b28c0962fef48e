using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Mrq.Configuration;

namespace Mrq.Hosting;

/// <summary>
/// Reads an <see cref="IConfiguration"/> section (<c>"Mrq"</c> in appsettings.json) into <see cref="MrqSettings"/> with
/// MRQ's key names and the command line's parsers, so a bad value gets the command line's message, prefixed with the
/// key's configuration path (<c>Mrq:GREENLETS: expected an integer of at least 1, got "abc".</c>).
/// </summary>
/// <remarks>
/// The keys are looked up in Mrq's own table (<see cref="ConfigKeys"/>) rather than bound by property name, which is
/// what keeps MRQ's names (<c>MAX_JOBS</c>, aliases such as <c>MONGODB</c>) and its value syntax (space-separated
/// queue lists); nothing here reflects over types, so it is trim- and AOT-safe. Nested sections Mrq reads as
/// documents (<c>TASKS</c>, <c>QUEUES_CONFIG</c>, <c>SCHEDULER_TASKS</c>) are turned back into the JSON the config
/// file would hold.
/// </remarks>
internal static class MrqConfigurationSection
{
    /// <summary>The host's own key in the shared section: one section per hosted worker (<c>"Mrq:Workers:&lt;name&gt;"</c>).</summary>
    public const string WorkersKey = "Workers";

    /// <summary>The host's own key in the shared section: <see cref="MrqSettings.StopHostWhenWorkersEnd"/>.</summary>
    public const string StopHostWhenWorkersEndKey = "StopHostWhenWorkersEnd";

    private static readonly string[] s_hostKeys = [WorkersKey, StopHostWhenWorkersEndKey];

    /// <summary>
    /// Applies every key of <paramref name="section"/>; each bad value or unknown key adds one line to
    /// <paramref name="errors"/>. The shared section (<paramref name="isWorkerSection"/> false) may also hold the host's
    /// own keys: <see cref="WorkersKey"/>, read by each worker, and <see cref="StopHostWhenWorkersEndKey"/>.
    /// </summary>
    public static void Apply(IConfiguration section, MrqSettings settings, ICollection<string> errors, bool isWorkerSection = false)
    {
        var path = section is IConfigurationSection named ? named.Path : "";
        foreach (var child in section.GetChildren())
        {
            var key = ConfigKeys.Find(child.Key);
            var source = path.Length > 0 ? $"{path}:{child.Key}" : child.Key;
            if (key is null && ConfigKeys.Sections.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                settings.Extra[child.Key] = ToJson(child);
                continue;
            }

            if (key is null && !isWorkerSection && string.Equals(child.Key, WorkersKey, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (key is null && !isWorkerSection && string.Equals(child.Key, StopHostWhenWorkersEndKey, StringComparison.OrdinalIgnoreCase))
            {
                if (bool.TryParse(child.Value, out var stopHost))
                {
                    settings.StopHostWhenWorkersEnd = stopHost;
                }
                else
                {
                    errors.Add($"{source}: expected true or false, got \"{child.Value}\".");
                }

                continue;
            }

            if (key is null || key.Name == "config")
            {
                // As in mrq-config.json: the keys are a fixed table, so a misspelt one would silently do nothing.
                errors.Add(key is null
                    ? $"{source}: unknown key{ClosestName.Hint(child.Key, isWorkerSection ? ConfigKeys.FileKeys : ConfigKeys.FileKeys.Concat(s_hostKeys))}."
                    : $"{source}: a host reads its own configuration sources, not an Mrq config file.");
                continue;
            }

            var value = child.Value ?? JoinList(child);
            if (value is null)
            {
                continue;
            }

            TryApply(key, value, settings, source, errors);
        }
    }

    /// <summary>Applies one value set in code (<c>UseRedis(uri)</c>), reporting a bad one like a configuration key.</summary>
    public static void TryApply(string keyName, string value, MrqSettings settings, string source, ICollection<string> errors)
    {
        var key = ConfigKeys.Find(keyName) ?? throw new ArgumentException($"'{keyName}' is not an Mrq setting.", nameof(keyName));
        TryApply(key, value, settings, source, errors);
    }

    private static void TryApply(ConfigKey key, string value, MrqSettings settings, string source, ICollection<string> errors)
    {
        try
        {
            ConfigurationLoader.Apply(key, value, settings, source);
        }
        catch (MrqConfigurationException e)
        {
            // Setters that validate themselves (MongoDB URIs) name the key but not where it was set.
            errors.Add(e.Message.StartsWith(source, StringComparison.Ordinal) ? e.Message : $"{source}: {e.Message}");
        }
    }

    // An array in appsettings.json arrives as children "0", "1", …: MRQ's lists take them space-separated.
    private static string? JoinList(IConfigurationSection section)
    {
        var items = section.GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
        return items.Count == 0 ? null : string.Join(' ', items);
    }

    /// <summary>
    /// The section as the JSON a config file would hold. Configuration keeps only strings: numbers and booleans are
    /// written as JSON numbers and booleans again, and a section whose keys are 0, 1, 2… as an array.
    /// </summary>
    internal static string ToJson(IConfigurationSection section)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, section);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            WriteScalar(writer, section.Value);
            return;
        }

        var isArray = children.Select((c, i) => c.Key == i.ToString(CultureInfo.InvariantCulture)).All(static same => same);
        if (isArray)
        {
            writer.WriteStartArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                Write(writer, child);
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStartObject();
        foreach (var child in children)
        {
            writer.WritePropertyName(child.Key);
            Write(writer, child);
        }

        writer.WriteEndObject();
    }

    private static void WriteScalar(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else if (value is "true" or "false" or "True" or "False")
        {
            writer.WriteBooleanValue(value.Equals("true", StringComparison.OrdinalIgnoreCase));
        }
        else if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
