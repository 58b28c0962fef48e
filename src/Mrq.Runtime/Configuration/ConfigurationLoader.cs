using System.Collections;
using System.Text.Json;

namespace Mrq.Configuration;

/// <summary>
/// Builds <see cref="MrqSettings"/> the way MRQ does: defaults &lt; config file &lt; <c>MRQ_*</c> environment variables &lt;
/// command-line flags. Any value that cannot be used stops with a <see cref="MrqConfigurationException"/> naming the
/// key and where it came from.
/// </summary>
public static class ConfigurationLoader
{
    /// <summary>The config file read from the working directory when none is named.</summary>
    public const string DefaultConfigFile = "mrq-config.json";

    /// <summary>Loads settings from the config file and environment only (what an enqueuing script gets).</summary>
    public static MrqSettings Load() => Load([], Environment.GetEnvironmentVariables(), Directory.GetCurrentDirectory());

    /// <summary>Loads settings from the config file, the environment and the given flags (name without dashes, value).</summary>
    public static MrqSettings Load(IReadOnlyList<KeyValuePair<string, string>> flags, IDictionary environment, string workingDirectory)
    {
        var settings = new MrqSettings();
        var configFile = FindConfigFile(flags, environment, workingDirectory);
        if (configFile is not null)
        {
            ApplyFile(configFile, settings);
            settings.ConfigFile = configFile;
        }

        foreach (var key in ConfigKeys.All)
        {
            if (environment[EnvironmentName(key)] is string value && value.Length > 0)
            {
                Apply(key, value, settings, $"{EnvironmentName(key)}");
            }
        }

        foreach (var (name, value) in flags)
        {
            var key = ConfigKeys.Find(name) ?? throw new MrqConfigurationException($"--{name}: unknown option{ConfigKeys.FlagHint(name)}.");
            Apply(key, value, settings, $"--{name}");
        }

        settings.ConfigFile = configFile;
        return settings;
    }

    /// <summary>The environment variable that sets <paramref name="key"/>.</summary>
    internal static string EnvironmentName(ConfigKey key) => "MRQ_" + key.Name.ToUpperInvariant();

    private static string? FindConfigFile(IReadOnlyList<KeyValuePair<string, string>> flags, IDictionary environment, string workingDirectory)
    {
        string? named = null;
        var source = "";
        foreach (var (name, value) in flags)
        {
            if (ConfigKeys.Find(name)?.Name == "config")
            {
                named = value;
                source = "--" + name;
            }
        }

        if (named is null && environment["MRQ_CONFIG"] is string fromEnvironment && fromEnvironment.Length > 0)
        {
            named = fromEnvironment;
            source = "MRQ_CONFIG";
        }

        if (named is not null)
        {
            var path = Path.GetFullPath(named, workingDirectory);
            return File.Exists(path) ? path : throw new MrqConfigurationException($"{source}: config file '{named}' does not exist.");
        }

        var defaultPath = Path.Combine(workingDirectory, DefaultConfigFile);
        return File.Exists(defaultPath) ? defaultPath : null;
    }

    private static void ApplyFile(string path, MrqSettings settings)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new MrqConfigurationException($"{path}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new MrqConfigurationException($"{path}: the config file must hold one JSON object of MRQ keys, such as {{\"DEQUEUE_STRATEGY\": \"burst\"}}.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                var key = ConfigKeys.Find(property.Name);
                if (key is null && ConfigKeys.Sections.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
                {
                    settings.Extra[property.Name] = property.Value.GetRawText();
                    continue;
                }

                if (key?.Name == "config")
                {
                    throw new MrqConfigurationException($"{property.Name} in {Path.GetFileName(path)}: a config file cannot name another one; use --config or MRQ_CONFIG.");
                }

                if (key is null)
                {
                    // MRQ keeps unknown keys; Mrq's settings are a fixed table, so a typo would silently do nothing.
                    throw new MrqConfigurationException(
                        $"{property.Name} in {Path.GetFileName(path)}: unknown key{ClosestName.Hint(property.Name, ConfigKeys.FileKeys)}. " +
                        "Known keys are listed by --help (upper case in the file).");
                }

                var source = $"{property.Name} in {Path.GetFileName(path)}";
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Number => property.Value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Null => null,
                    JsonValueKind.Array => JoinArray(property.Value, source, key),
                    _ => throw new MrqConfigurationException($"{source}: expected {key.Expected}, got {property.Value.GetRawText()}."),
                };

                if (value is not null)
                {
                    Apply(key, value, settings, source);
                }
            }
        }
    }

    private static string JoinArray(JsonElement array, string source, ConfigKey key)
    {
        var parts = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            parts.Add(item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw new MrqConfigurationException($"{source}: expected {key.Expected}, got {array.GetRawText()}."));
        }

        return string.Join(' ', parts);
    }

    /// <summary>Parses <paramref name="value"/> into <paramref name="settings"/>; a bad value throws a message naming <paramref name="source"/>.</summary>
    internal static void Apply(ConfigKey key, string value, MrqSettings settings, string source)
    {
        if (!key.TryApply(value, settings))
        {
            var shown = StoreAdapters.Mask(value);
            throw new MrqConfigurationException($"{source}: expected {key.Expected}, got \"{shown}\".");
        }
    }
}
