using System.Globalization;

namespace Easel.Engine.Grids;

/// <summary>One axis of a grid: what it varies and the values, in the order they are laid out.</summary>
public sealed record GridAxis(GridAxisKind Kind, IReadOnlyList<string> Values)
{
    /// <summary>The axis names every surface accepts (<c>seed</c>, <c>guidance</c>, ...), in <see cref="GridAxisKind"/> order.</summary>
    public static readonly IReadOnlyList<string> Names = ["seed", "guidance", "steps", "scheduler", "strength", "prompt", "model"];

    /// <summary>The axis's name as surfaces write it (lower case).</summary>
    public string Name => Names[(int)Kind];

    /// <summary>Reads an axis kind by name (also <c>cfg</c>, <c>sampler</c>, <c>prompt_sr</c>); <paramref name="field"/> names it in errors.</summary>
    public static GridAxisKind ParseKind(string? name, string field)
    {
        var key = (name ?? "").Trim().ToLowerInvariant();
        key = key switch { "cfg" => "guidance", "sampler" => "scheduler", "prompt_sr" or "sr" => "prompt", _ => key };
        int index = Names.ToList().IndexOf(key);
        return index >= 0 ? (GridAxisKind)index
            : throw new EaselValidationException(field, $"'{name}' is not an axis; axes are {string.Join(", ", Names)}.");
    }

    /// <summary>Builds an axis from a kind name and its values (blank values are dropped).</summary>
    public static GridAxis Create(string? kind, IEnumerable<string>? values, string field)
    {
        var list = (values ?? []).Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
        return new GridAxis(ParseKind(kind, field), list);
    }

    /// <summary>
    /// Reads <c>kind=v1,v2,v3</c> (the CLI form). Values are split on '|' when the list holds one (prompt fragments
    /// with commas), else on ','.
    /// </summary>
    public static GridAxis Parse(string spec, string field)
    {
        int eq = spec.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
            throw new EaselValidationException(field, $"'{spec}' is not KIND=V1,V2,...; for example seed=1,2,3 or guidance=3,7.5.");
        return Create(spec[..eq], SplitValues(spec[(eq + 1)..]), field);
    }

    /// <summary>Splits a value list on '|' when it holds one (prompt fragments with commas), else on ','.</summary>
    public static IReadOnlyList<string> SplitValues(string list) =>
        list.Split(list.Contains('|', StringComparison.Ordinal) ? '|' : ',');

    /// <summary>The value as a label on the sheet: numbers in invariant culture, everything else as given.</summary>
    public string Label(int index) => Kind is GridAxisKind.Guidance or GridAxisKind.Strength
        && double.TryParse(Values[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d.ToString(CultureInfo.InvariantCulture) : Values[index];
}
