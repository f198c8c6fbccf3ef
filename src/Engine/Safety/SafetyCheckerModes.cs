namespace Easel.Engine.Safety;

/// <summary>What Easel does with an image the safety checker flags (<see cref="EaselOptions.SafetyChecker"/>).</summary>
public static class SafetyCheckerModes
{
    /// <summary>The checker does not run.</summary>
    public const string Off = "off";

    /// <summary>The image is saved, marked <c>safety_checker: flagged</c> in its metadata, and the result carries a warning.</summary>
    public const string Flag = "flag";

    /// <summary>The image is not saved; the result says why (and a request whose every image is flagged fails).</summary>
    public const string Block = "block";

    public static IReadOnlyList<string> All { get; } = [Off, Flag, Block];

    /// <summary>The mode a configured value names (case-insensitive; empty means <see cref="Block"/>), or an error naming the key.</summary>
    public static string Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Block;
        var mode = value.Trim().ToLowerInvariant();
        return All.Contains(mode) ? mode
            : throw new EaselException($"Easel:SafetyChecker (EASEL_SAFETY_CHECKER): '{value}' is not one of {string.Join(", ", All)}.");
    }
}
