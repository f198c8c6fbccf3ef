using System.Globalization;
using System.Text.Json;

namespace Easel.McpServer.Mcp;

/// <summary>
/// Checks tool arguments against the tool's own input schema (required, type, enum, minimum/maximum, maxLength) before the
/// call, so a bad value is refused with a message that names the argument and what it accepts. The schema is
/// generated from the tool methods, so the check and what clients are told cannot drift apart.
/// </summary>
internal static class ArgumentValidator
{
    /// <summary>
    /// Easel's one policy for loosely typed arguments, the same as the Semantic Kernel surface's: a null optional
    /// argument counts as omitted (its default applies), and a string holding exactly a number (invariant culture,
    /// e.g. "7" or "0.5") in an integer or number argument is read as that number (older Inspector versions and some
    /// models send numbers as strings). Anything else keeps its JSON type and is checked by <see cref="Check"/>.
    /// </summary>
    public static IDictionary<string, JsonElement>? Normalize(JsonElement schema, IDictionary<string, JsonElement>? arguments)
    {
        if (arguments is null || schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties)) return arguments;
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()).ToHashSet() : [];
        var normalized = new Dictionary<string, JsonElement>(arguments.Count, StringComparer.Ordinal);
        foreach (var (name, value) in arguments)
        {
            if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined && !required.Contains(name)) continue;
            normalized[name] = properties.TryGetProperty(name, out var property) ? NumberFromString(property, value) : value;
        }
        return normalized;
    }

    private static JsonElement NumberFromString(JsonElement property, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String) return value;
        var types = Types(property);
        var text = value.GetString()!.Trim();
        if (types.Contains("integer") && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            return JsonSerializer.SerializeToElement(whole);
        if (types.Contains("number") && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
            return JsonSerializer.SerializeToElement(real);
        return value;
    }

    /// <summary>The first problem found, or null when the arguments fit the schema.</summary>
    public static string? Check(JsonElement schema, IDictionary<string, JsonElement>? arguments)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties)) return null;
        arguments ??= new Dictionary<string, JsonElement>();
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (!arguments.TryGetValue(name, out var given) || given.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
                    return $"{name}: is required.";

        foreach (var (name, value) in arguments)
        {
            if (!properties.TryGetProperty(name, out var property))
            {
                return Easel.Engine.Vocabulary.OpenAiAliases.UnknownArgument(name, properties.EnumerateObject().Select(p => p.Name)).Message;
            }
            if (CheckValue(name, property, value) is { } problem) return problem;
        }
        return null;
    }

    private static string? CheckValue(string name, JsonElement property, JsonElement value)
    {
        var types = Types(property);
        if (value.ValueKind == JsonValueKind.Null)
            return types.Contains("null") || types.Count == 0 ? null : $"{name}: must not be null.";
        if (types.Count > 0 && !types.Any(t => Matches(t, value)))
            return $"{name}: expected {string.Join(" or ", types.Where(t => t != "null"))}, got {Show(value)}.";
        if (property.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array)
        {
            var options = allowed.EnumerateArray().Where(a => a.ValueKind != JsonValueKind.Null).ToList();
            if (!options.Any(o => JsonElement.DeepEquals(o, value)))
                return $"{name}: {Show(value)} is not one of {string.Join(", ", options.Select(o => o.ToString()))}.";
        }
        if (value.ValueKind == JsonValueKind.String && property.TryGetProperty("maxLength", out var maxLength)
            && value.GetString()!.Length is var length && length > maxLength.GetInt32())
        {
            return $"{name}: {length} characters is over the {maxLength.GetInt32()}-character limit" +
                   (name is "image" or "mask" ? " (16 MB of base64); pass an absolute path or file:// URI instead." : ".");
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
        {
            double min = property.TryGetProperty("minimum", out var lo) ? lo.GetDouble() : double.NegativeInfinity;
            double max = property.TryGetProperty("maximum", out var hi) ? hi.GetDouble() : double.PositiveInfinity;
            if (number < min || number > max)
                return $"{name}: {Show(value)} is outside the allowed range {Format(min)}–{Format(max)}.";
        }
        return null;
    }

    private static List<string> Types(JsonElement property)
    {
        if (!property.TryGetProperty("type", out var type)) return [];
        return type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
    }

    private static bool Matches(string type, JsonElement value) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _), // 3.0 would not bind to an int either
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static string Show(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    private static string Format(double x) => x.ToString("0.###############", CultureInfo.InvariantCulture);
}
