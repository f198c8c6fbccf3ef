using System.Text.Json;

namespace Easel.McpServer.Tests.Peers;

/// <summary>
/// The MCP Inspector CLI (@modelcontextprotocol/inspector 2.12.0 --cli): lists and calls tools (its --tool-arg
/// values are strings it converts by the schema's type), reads resources, lists prompts; <c>--strict</c> lints
/// every tool schema for portability and must find nothing.
/// </summary>
[Collection(OfficialClients.Name)]
public sealed class InspectorCliTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private static async Task<JsonElement> InspectAsync(IEnumerable<string> target, IEnumerable<string> arguments)
    {
        // Options first, then "--" and the server: its own options must not be read as the Inspector's.
        var run = await NodePeers.NodeAsync([NodePeers.InspectorCli, "--format", "json", .. arguments, .. target], Limit);
        Assert.True(run.ExitCode == 0, "inspector failed:\n" + run.Describe());
        try
        {
            return JsonDocument.Parse(NodePeers.LastLine(run.Stdout)).RootElement;
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException("inspector printed no JSON:\n" + run.Describe());
        }
    }

    private static void AssertStrictToolList(JsonElement envelope)
    {
        Assert.False(envelope.TryGetProperty("schemaFindings", out var findings), "--strict found schema problems: " + findings);
        Assert.Equal(DeclaredTools.Count, envelope.GetProperty("result").GetProperty("tools").GetArrayLength());
    }

    [Fact]
    public async Task Strict_tool_listing_over_stdio_finds_no_schema_problems()
    {
        using var output = new TempDir();
        string[] target = ["-e", "EASEL_OUTPUT_DIR=" + output.Path, "-e", "EASEL_EXECUTION_PROVIDER=cpu", "-e", "EASEL_DEFAULT_MODEL=" + TestModel.Name,
            "--", EaselExecutable.Path, .. EaselExecutable.ServeArguments];
        AssertStrictToolList(await InspectAsync(target, ["--method", "tools/list", "--strict"]));

        // Typed from CLI strings by the schema: seed=7 must arrive as the number 7.
        var called = await InspectAsync(target, ["--method", "tools/call", "--tool-name", "generate_image",
            "--tool-arg", "prompt=a red circle", "steps=2", "seed=7", "count=1", "inline=none"]);
        var image = called.GetProperty("result").GetProperty("structuredContent").GetProperty("images")[0];
        Assert.Equal(7, image.GetProperty("seed").GetInt64());
        Assert.True(File.Exists(image.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task Over_http_it_lists_calls_reads_the_image_and_lists_prompts()
    {
        await using var server = await PeerHttpServer.StartAsync();
        string[] target = ["--transport", "http", "--", server.Endpoint];
        AssertStrictToolList(await InspectAsync(target, ["--method", "tools/list", "--strict"]));

        var called = await InspectAsync(target, ["--method", "tools/call", "--tool-name", "generate_image",
            "--tool-arg", "prompt=a blue square", "steps=2", "seed=11", "width=64", "height=64", "guidance=5.5"]);
        var structured = called.GetProperty("result").GetProperty("structuredContent");
        var uri = structured.GetProperty("images")[0].GetProperty("uri").GetString()!;
        Assert.Equal(11, structured.GetProperty("images")[0].GetProperty("seed").GetInt64());
        Assert.Equal(5.5, structured.GetProperty("parameters").GetProperty("guidance").GetDouble());

        var read = await InspectAsync(target, ["--method", "resources/read", "--uri", uri]);
        var contents = read.GetProperty("result").GetProperty("contents")[0];
        Assert.Equal("image/png", contents.GetProperty("mimeType").GetString());
        var (width, _) = TestImages.Decode(Convert.FromBase64String(contents.GetProperty("blob").GetString()!));
        Assert.Equal(TestModel.Side, width);

        var listed = await InspectAsync(target, ["--method", "resources/list"]);
        Assert.Contains(listed.GetProperty("result").GetProperty("resources").EnumerateArray(), r => r.GetProperty("uri").GetString() == uri);

        var prompts = await InspectAsync(target, ["--method", "prompts/list"]);
        Assert.NotEqual(0, prompts.GetProperty("result").GetProperty("prompts").GetArrayLength());
    }
}
