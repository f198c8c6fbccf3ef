using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Easel.McpServer.Tests.Schemas;

namespace Easel.McpServer.Tests.Peers;

/// <summary>
/// The 2026-07-28 protocol's stateless flow over Streamable HTTP (no initialize: <c>server/discover</c>, then calls
/// that carry the protocol version, client capabilities and info in <c>_meta</c> and the Mcp-Method header), beside
/// the initialize-based 2025 clients the SDK tests use. Spoken raw, as the wire format is the contract.
/// </summary>
[Collection(OfficialClients.Name)]
public sealed class ProtocolEraTests
{
    private const string Version = "2026-07-28";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private static async Task<JsonElement> PostAsync(HttpClient http, string endpoint, string method, string? name, string paramsJson)
    {
        const string meta = "{\"io.modelcontextprotocol/protocolVersion\":\"" + Version + "\",\"io.modelcontextprotocol/clientCapabilities\":{},"
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"era-test\",\"version\":\"1\"}}";
        var body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":{\"_meta\":" + meta
            + (paramsJson.Length > 0 ? "," + paramsJson : "") + "}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", Version);
        request.Headers.Add("Mcp-Method", method);
        if (name is not null) request.Headers.Add("Mcp-Name", name);
        using var response = await http.SendAsync(request).WaitAsync(Limit);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Limit);
        // One JSON-RPC answer, as plain JSON or as the data of an SSE message event.
        var json = text.TrimStart().StartsWith('{') ? text
            : text.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].Trim()).Last();
        var root = JsonDocument.Parse(json).RootElement;
        Assert.False(root.TryGetProperty("error", out var error), $"{method}: {error}");
        return root.GetProperty("result");
    }

    [Fact]
    public async Task The_2026_stateless_flow_discovers_lists_and_calls_with_schema_true_results()
    {
        await using var server = await PeerHttpServer.StartAsync();
        using var http = new HttpClient();
        var discovered = await PostAsync(http, server.Endpoint, "server/discover", null, "");
        Assert.Contains(Version, discovered.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()));
        Assert.True(discovered.GetProperty("capabilities").TryGetProperty("tools", out _));

        var tools = (await PostAsync(http, server.Endpoint, "tools/list", null, "")).GetProperty("tools").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(DeclaredTools.Count, tools.Count);
        var called = await PostAsync(http, server.Endpoint, "tools/call", "generate_image",
            "\"name\":\"generate_image\",\"arguments\":{\"prompt\":\"a red circle\",\"steps\":2,\"seed\":6,\"inline\":\"none\"}");
        Assert.False(called.TryGetProperty("isError", out var isError) && isError.GetBoolean(), called.ToString());
        SchemaAssert.Valid(tools["generate_image"].GetProperty("outputSchema"), called.GetProperty("structuredContent"), "generate_image (2026-07-28)");
        Assert.Equal(6, called.GetProperty("structuredContent").GetProperty("images")[0].GetProperty("seed").GetInt64());
        Assert.Single(server.Output.Pngs);
    }
}
