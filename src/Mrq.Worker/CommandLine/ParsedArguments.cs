using Mrq.Configuration;

namespace Mrq.Worker.CommandLine;

/// <summary>A command line split into positional arguments and <c>--key value</c> flags.</summary>
internal sealed class ParsedArguments
{
    private ParsedArguments(List<string> positionals, List<KeyValuePair<string, string>> flags, bool help, bool version)
    {
        Positionals = positionals;
        Flags = flags;
        Help = help;
        Version = version;
    }

    public IReadOnlyList<string> Positionals { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Flags { get; }

    public bool Help { get; }

    public bool Version { get; }

    /// <summary>
    /// Splits <paramref name="args"/>. Flags take MRQ's spellings: <c>--greenlets 5</c>, <c>--greenlets=5</c>, <c>-g 5</c>;
    /// switches such as <c>--quiet</c> take no value. <c>--</c> ends the flags.
    /// </summary>
    public static ParsedArguments Parse(IReadOnlyList<string> args)
    {
        var positionals = new List<string>();
        var flags = new List<KeyValuePair<string, string>>();
        var help = false;
        var version = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg is "-h" or "--help")
            {
                help = true;
                continue;
            }

            if (arg is "-v" or "--version")
            {
                version = true;
                continue;
            }

            if (!arg.StartsWith('-') || arg.Length == 1 || IsNumber(arg))
            {
                positionals.Add(arg);
                continue;
            }

            var body = arg.TrimStart('-');
            string name;
            string? value = null;
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                name = body[..equals];
                value = body[(equals + 1)..];
            }
            else
            {
                name = body;
            }

            var key = ConfigKeys.Find(name) ?? throw new MrqConfigurationException($"{arg}: unknown option{ConfigKeys.FlagHint(name)}. Run with --help to list the options.");
            if (value is null)
            {
                if (key.IsSwitch)
                {
                    value = "true";
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    throw new MrqConfigurationException($"{arg}: expected {key.Expected} after it.");
                }
            }

            flags.Add(new(name, value));
        }

        return new ParsedArguments(positionals, flags, help, version);
    }

    private static bool IsNumber(string arg) => double.TryParse(arg, System.Globalization.CultureInfo.InvariantCulture, out _);
}
