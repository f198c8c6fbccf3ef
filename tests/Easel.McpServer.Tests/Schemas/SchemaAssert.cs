using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Tests.Schemas;

/// <summary>
/// Checks structured tool results with an independent JSON Schema validator (JsonSchema.Net, draft 2020-12), as
/// hosts do with their own: the C# SDK client does not validate, which is how schema mismatches once went unseen.
/// </summary>
internal static class SchemaAssert
{
    /// <summary>Fails unless <paramref name="instance"/> validates against <paramref name="schema"/>, listing every error.</summary>
    public static void Valid(JsonElement schema, JsonElement instance, string what)
    {
        var compiled = JsonSchema.FromText(schema.GetRawText());
        var results = compiled.Evaluate(JsonNode.Parse(instance.GetRawText()), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) return;
        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"));
        throw new Xunit.Sdk.XunitException($"{what} does not match its output schema:\n{string.Join("\n", errors)}\ninstance: {instance.GetRawText()}");
    }

    /// <summary>A successful result of <paramref name="tool"/> carries structured content valid against the tool's outputSchema.</summary>
    public static CallToolResult MatchesOutputSchema(this CallToolResult result, McpClientTool tool)
    {
        if (result.IsError is true)
            throw new Xunit.Sdk.XunitException($"{tool.Name}: tool error: {string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text))}");
        var schema = tool.ProtocolTool.OutputSchema ?? throw new Xunit.Sdk.XunitException($"{tool.Name} declares no outputSchema");
        var structured = result.StructuredContent ?? throw new Xunit.Sdk.XunitException($"{tool.Name} returned no structuredContent");
        Valid(schema, structured, tool.Name);
        return result;
    }
}
