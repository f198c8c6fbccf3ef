using System.Text.Json;
using System.Text.Json.Nodes;

namespace Easel.McpServer.Mcp;

/// <summary>
/// The one schema rule of Easel's MCP surface, applied to every tool's input and output schema at registration:
/// an optional member is simply not <c>required</c>, and has one JSON type. System.Text.Json's exporter instead
/// writes nullable members as <c>["integer","null"]</c> unions and lists every record member as required, while
/// <see cref="McpJson"/> leaves null members out — so strict clients (the official TypeScript SDK, the Inspector's
/// <c>--strict</c> mode) rejected results and coerced CLI strings wrongly. Null values are never written
/// (<see cref="McpJson"/>), and a null argument is read as an omitted one (<see cref="ArgumentValidator"/>).
/// </summary>
internal static class PortableSchema
{
    /// <summary>A copy of <paramref name="schema"/> with every nullable member made optional and single-typed.</summary>
    public static JsonElement Normalize(JsonElement schema)
    {
        var node = JsonNode.Parse(schema.GetRawText())!;
        Visit(node);
        return JsonSerializer.SerializeToElement(node);
    }

    private static void Visit(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array) Visit(item);
                break;
            case JsonObject obj:
                var optional = new HashSet<string>(StringComparer.Ordinal);
                if (obj["properties"] is JsonObject properties)
                {
                    foreach (var (name, property) in properties)
                        if (property is JsonObject p && DropNull(p)) optional.Add(name);
                }
                if (optional.Count > 0 && obj["required"] is JsonArray required)
                {
                    var kept = required.Select(r => r!.GetValue<string>()).Where(n => !optional.Contains(n)).ToList();
                    if (kept.Count == 0) obj.Remove("required");
                    else obj["required"] = new JsonArray(kept.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray());
                }
                DropNull(obj); // a nullable root or array item: one type, nothing to un-require
                foreach (var (_, child) in obj.ToList()) Visit(child);
                break;
        }
    }

    /// <summary>Removes "null" from the type, the enum and a null default; true when the member was nullable.</summary>
    private static bool DropNull(JsonObject schema)
    {
        bool nullable = false;
        if (schema["type"] is JsonArray types && types.Any(IsNullType))
        {
            nullable = true;
            var rest = types.Where(t => !IsNullType(t)).Select(t => t!.GetValue<string>()).ToList();
            schema["type"] = rest.Count == 1 ? JsonValue.Create(rest[0]) : new JsonArray(rest.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
        }
        else if (schema["type"] is JsonValue single && single.TryGetValue<string>(out var t) && t == "null")
        {
            return false; // a member that is always null has nothing else to say; leave it
        }
        if (schema["enum"] is JsonArray values && values.Any(v => v is null))
        {
            nullable = true;
            schema["enum"] = new JsonArray(values.Where(v => v is not null).Select(v => v!.DeepClone()).ToArray());
        }
        if (schema.TryGetPropertyValue("default", out var fallback) && fallback is null)
        {
            nullable = true;
            schema.Remove("default");
        }
        return nullable;
    }

    private static bool IsNullType(JsonNode? type) => type is JsonValue v && v.TryGetValue<string>(out var s) && s == "null";
}
