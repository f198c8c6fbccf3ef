namespace Easel.Engine.Datasets;

/// <summary>The one-line form of slot values that text surfaces (CLI, Semantic Kernel) take: <c>name=a,b,c;other=x,y</c>.</summary>
public static class DatasetSlots
{
    public static Dictionary<string, IReadOnlyList<string>>? Parse(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) return null;
        var slots = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var part in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new EaselValidationException("slots", $"'{part}' is not NAME=V1,V2,... (slots are separated by ';').");
            slots[part[..eq].Trim()] = part[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        return slots;
    }
}
