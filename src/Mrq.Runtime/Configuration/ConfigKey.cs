using System.Globalization;

namespace Mrq.Configuration;

/// <summary>One known setting: its MRQ name, aliases, how to read it and what a valid value looks like.</summary>
internal sealed class ConfigKey
{
    private readonly Func<string, MrqSettings, bool> _apply;

    private ConfigKey(string name, string expected, bool isSwitch, Func<string, MrqSettings, bool> apply, string[] aliases)
    {
        Name = name;
        Expected = expected;
        IsSwitch = isSwitch;
        _apply = apply;
        Aliases = aliases;
    }

    /// <summary>The lower-case name: flag <c>--name</c>, environment <c>MRQ_NAME</c>, config-file key <c>NAME</c>.</summary>
    public string Name { get; }

    /// <summary>Other flag spellings (<c>gevent</c>, <c>g</c>).</summary>
    public string[] Aliases { get; }

    /// <summary>What a valid value looks like, for error messages.</summary>
    public string Expected { get; }

    /// <summary>A boolean flag that takes no value on the command line.</summary>
    public bool IsSwitch { get; }

    /// <summary>Parses and stores <paramref name="value"/>; false when it is not valid.</summary>
    public bool TryApply(string value, MrqSettings settings) => _apply(value, settings);

    public static ConfigKey Text(string name, Action<MrqSettings, string> set, params string[] aliases) =>
        new(name, "a non-empty text", false, (v, s) =>
        {
            if (string.IsNullOrWhiteSpace(v))
            {
                return false;
            }

            set(s, v.Trim());
            return true;
        }, aliases);

    public static ConfigKey Validated(string name, string expected, Func<string, bool> isValid, Action<MrqSettings, string> set) =>
        new(name, expected, false, (v, s) =>
        {
            if (string.IsNullOrWhiteSpace(v) || !isValid(v.Trim()))
            {
                return false;
            }

            set(s, v.Trim());
            return true;
        }, []);

    public static ConfigKey Int(string name, int min, Action<MrqSettings, int> set, params string[] aliases) =>
        IntInRange(name, min, int.MaxValue, $"an integer of at least {min}", set, aliases);

    /// <summary>A TCP port (at most 65535), from <paramref name="min"/>: 0 where the setting may be off.</summary>
    public static ConfigKey Port(string name, int min, Action<MrqSettings, int> set) =>
        IntInRange(name, min, 65535, min == 0 ? "0 (off) or a port number up to 65535" : $"a port number from {min} to 65535", set, []);

    public static ConfigKey Number(string name, double min, bool exclusive, Action<MrqSettings, double> set, params string[] aliases) =>
        new(name, exclusive ? $"a number greater than {min.ToString(CultureInfo.InvariantCulture)}" : $"a number of at least {min.ToString(CultureInfo.InvariantCulture)}", false, (v, s) =>
        {
            if (!double.TryParse(v.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n) || n < min || (exclusive && n == min))
            {
                return false;
            }

            set(s, n);
            return true;
        }, aliases);

    public static ConfigKey Switch(string name, Action<MrqSettings, bool> set, params string[] aliases) =>
        new(name, "true or false", true, (v, s) =>
        {
            switch (v.Trim().ToLowerInvariant())
            {
                case "true" or "1" or "yes" or "on":
                    set(s, true);
                    return true;
                case "false" or "0" or "no" or "off":
                    set(s, false);
                    return true;
                default:
                    return false;
            }
        }, aliases);

    public static ConfigKey Choice(string name, string[] choices, Action<MrqSettings, string> set, params string[] aliases) =>
        new(name, "one of " + string.Join(", ", choices), false, (v, s) =>
        {
            foreach (var choice in choices)
            {
                if (string.Equals(choice, v.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    set(s, choice);
                    return true;
                }
            }

            return false;
        }, aliases);

    public static ConfigKey List(string name, Action<MrqSettings, string[]> set, params string[] aliases) =>
        new(name, "a space-separated list of names", false, (v, s) =>
        {
            var items = v.Split([' ', '\t', '\n', ','], StringSplitOptions.RemoveEmptyEntries);
            if (items.Length == 0)
            {
                return false;
            }

            set(s, items);
            return true;
        }, aliases);

    private static ConfigKey IntInRange(string name, int min, int max, string expected, Action<MrqSettings, int> set, string[] aliases) =>
        new(name, expected, false, (v, s) =>
        {
            if (!int.TryParse(v.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            {
                return false;
            }

            set(s, n);
            return true;
        }, aliases);
}
