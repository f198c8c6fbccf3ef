using System.Globalization;
using System.Text.Json;
using Easel.Engine;

namespace Easel.Plugin;

/// <summary>
/// Reads a setting that may arrive as a CLR value, a string or a <see cref="JsonElement"/> (SK's ExtensionData and
/// MEAI's AdditionalProperties hold whatever the caller or a JSON deserializer put there). Bad values fail with the key
/// named, never silently.
/// </summary>
internal static class LooseValue
{
    public static int? Int(object? value, string key)
    {
        long? l = Long(value, key);
        if (l is null) return null;
        if (l < int.MinValue || l > int.MaxValue) throw Bad(key, value, "an integer");
        return (int)l;
    }

    public static long? Long(object? value, string key) => value switch
    {
        null => null,
        long l => l,
        int i => i,
        short s => s,
        byte b => b,
        uint u => u,
        double d when double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
        float f when float.IsFinite(f) && f == MathF.Floor(f) && Math.Abs(f) < 9e15 => (long)f,
        decimal m when m == decimal.Floor(m) => (long)m,
        string s when string.IsNullOrWhiteSpace(s) => null,
        string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var l) => l,
        JsonElement { ValueKind: JsonValueKind.String } e => Long(e.GetString(), key),
        _ => throw Bad(key, value, "an integer"),
    };

    public static double? Double(object? value, string key) => value switch
    {
        null => null,
        double d => d,
        float f => f,
        decimal m => (double)m,
        long l => l,
        int i => i,
        string s when string.IsNullOrWhiteSpace(s) => null,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        JsonElement { ValueKind: JsonValueKind.String } e => Double(e.GetString(), key),
        _ => throw Bad(key, value, "a number"),
    };

    public static string? String(object? value, string key) => value switch
    {
        null => null,
        string s => string.IsNullOrWhiteSpace(s) ? null : s,
        JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        JsonElement { ValueKind: JsonValueKind.String } e => String(e.GetString(), key),
        JsonElement e => e.GetRawText(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static EaselValidationException Bad(string key, object? value, string expected) =>
        new(key, $"expected {expected}, got '{value}' ({value?.GetType().Name}).");
}
