using System.Globalization;
using Easel.Engine;

namespace Easel.McpServer.Cli;

/// <summary>
/// A minimal, strict argument reader: positionals, <c>--name value</c>, <c>--name=value</c> and <c>--flag</c>. Unknown
/// options are errors, and so is an option-looking positional (<c>-h</c> as a prompt) unless it follows <c>--</c>.
/// Help (<c>--help</c>, <c>-h</c>) is handled before parsing, by <see cref="CliHelp"/>.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);

    public CommandLine(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (arg == "--") { Positionals.AddRange(list.Skip(i + 1)); break; }
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var name = arg[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (!flags.Contains(name))
                {
                    if (i + 1 >= list.Count) throw new EaselValidationException(name, "needs a value.");
                    value = list[++i];
                }
                _options[name] = value;
            }
            else if (arg.Length > 1 && arg[0] == '-')
                throw new EaselValidationException(arg, $"unknown option. Options are written --name; a prompt or text that starts with '-' goes after '--' (easel generate -- \"{arg}\").");
            else Positionals.Add(arg);
        }
    }

    public List<string> Positionals { get; } = [];

    public bool Flag(string name) { _consumed.Add(name); return _options.ContainsKey(name); }

    public string? String(string name) { _consumed.Add(name); return _options.TryGetValue(name, out var v) ? v : null; }

    public int? Int(string name) => Parse<int>(name, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null, "an integer");
    public long? Long(string name) => Parse<long>(name, s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null, "an integer");
    public double? Double(string name) => Parse<double>(name, s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null, "a number");

    private T? Parse<T>(string name, Func<string, T?> parse, string what) where T : struct
    {
        var s = String(name);
        if (s is null) return null;
        return parse(s) ?? throw new EaselValidationException(name, $"'{s}' is not {what}.");
    }

    /// <summary>Fails on options the command did not read (typos must not be silently ignored).</summary>
    public void EnsureAllUsed(string command)
    {
        var unknown = _options.Keys.Where(k => !_consumed.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new EaselValidationException(unknown[0], $"unknown option --{unknown[0]} for '{command}'. Run 'easel help' for the options.");
    }
}
