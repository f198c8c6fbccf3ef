using System.Text.Json;
using System.Text.Json.Serialization;
using ModelContextProtocol;

namespace Easel.McpServer.Mcp;

/// <summary>
/// JSON settings for Easel's MCP surface: snake_case names and string enums, on top of the SDK's defaults (which
/// carry the protocol types' metadata). Used for tool schemas, structured content and resource JSON alike.
/// </summary>
internal static class McpJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly();
        return options;
    }

    public static JsonElement ToElement<T>(T value) => JsonSerializer.SerializeToElement(value, Options);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
