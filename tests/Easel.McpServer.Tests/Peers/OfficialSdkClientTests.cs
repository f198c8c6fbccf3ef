using System.Text.Json;

namespace Easel.McpServer.Tests.Peers;

/// <summary>
/// The official TypeScript SDK client (@modelcontextprotocol/sdk 1.32.2, what Claude Desktop, the Inspector and
/// mcp-remote are built on) calls every tool over stdio and Streamable HTTP: with all arguments, with only the
/// required ones and with each optional one left out, plus every job operation and state it can reach. Its
/// callTool validates each result against the tool's outputSchema; one mismatch fails the run.
/// </summary>
[Collection(OfficialClients.Name)]
public sealed class OfficialSdkClientTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);

    private static readonly string[] Tools =
        ["cancel_dataset_job", "cancel_job", "compose_prompt", "create_variations", "generate_image", "get_dataset_job", "get_job", "inpaint_image", "list_models", "make_grid",
         "outpaint_image", "restyle_image", "start_dataset", "start_generation"];

    [Fact]
    public async Task Every_tool_result_validates_in_the_typescript_client_over_stdio()
    {
        using var output = new TempDir();
        using var fixture = new PeerFixture();
        var run = await NodePeers.NodeAsync(
            [NodePeers.SdkClientScript, "--fixture", fixture.FilePath, "--stdio", EaselExecutable.Path, .. EaselExecutable.ServeArguments],
            Limit, EaselExecutable.Environment(output.Path));
        AssertReport(run, "stdio");
        Assert.NotEmpty(output.Pngs);
    }

    [Fact]
    public async Task Every_tool_result_validates_in_the_typescript_client_over_streamable_http()
    {
        await using var server = await PeerHttpServer.StartAsync();
        using var fixture = new PeerFixture();
        var run = await NodePeers.NodeAsync([NodePeers.SdkClientScript, "--fixture", fixture.FilePath, "--http", server.Endpoint], Limit);
        AssertReport(run, "http");
        Assert.NotEmpty(server.Output.Pngs);
    }

    private static void AssertReport(PeerRun run, string transport)
    {
        JsonElement report;
        try
        {
            report = JsonDocument.Parse(NodePeers.LastLine(run.Stdout)).RootElement;
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException("the SDK client printed no report:\n" + run.Describe());
        }
        var failures = report.GetProperty("failures").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} call(s) rejected by the TypeScript SDK client:\n{string.Join("\n", failures)}\n{run.Describe()}");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(transport, report.GetProperty("transport").GetString());
        var calls = report.GetProperty("calls").GetInt32();
        Assert.Equal(calls, report.GetProperty("validated").GetInt32());
        Assert.True(calls >= 90, $"only {calls} calls");
        var perTool = report.GetProperty("tools");
        foreach (var tool in Tools)
            Assert.True(perTool.TryGetProperty(tool, out var n) && n.GetInt32() >= 2, $"{tool} was called fewer than twice");
        var states = report.GetProperty("states").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("succeeded", states);
        Assert.Contains("cancelled", states);
        Assert.True(states.Contains("queued") || states.Contains("running"), "no job was seen before it finished: " + string.Join(", ", states));
        Assert.Equal(1, report.GetProperty("resources").GetInt32());
        Assert.True(report.GetProperty("prompts").GetInt32() >= 1);
    }
}
