using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Tests;

/// <summary>The built <c>easel</c> executable, launched as MCP clients launch it.</summary>
[Trait("Category", "Process")] // spawns processes: the slow ones (filter with Category!=Process for a quick run)
public sealed class StdioProcessTests
{
    private static string Executable => Peers.EaselExecutable.Path;

    private static ProcessStartInfo StartInfo(TempDir output, params string[] args)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["EASEL_OUTPUT_DIR"] = output.Path;
        info.Environment["EASEL_DEFAULT_MODEL"] = TestModel.Name;
        info.Environment["EASEL_EXECUTION_PROVIDER"] = "cpu";
        info.Environment.Remove("EASEL_API_KEY");
        return info;
    }

    [Fact]
    public async Task Easel_serve_speaks_mcp_over_stdio_to_the_sdk_client()
    {
        using var output = new TempDir();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "easel",
            Command = Executable,
            Arguments = ["serve", "--models", TestModel.ModelsPath],
            EnvironmentVariables = new Dictionary<string, string?>
            {
                ["EASEL_OUTPUT_DIR"] = output.Path,
                ["EASEL_DEFAULT_MODEL"] = TestModel.Name,
                ["EASEL_EXECUTION_PROVIDER"] = "cpu",
            },
        });
        // The SDK's 60 s initialize default is too short for a process that starts cold on a loaded machine.
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { InitializationTimeout = TimeSpan.FromMinutes(3) });
        Assert.Equal("easel", client.ServerInfo?.Name);
        var result = (await client.CallToolAsync("generate_image", new Dictionary<string, object?> { ["prompt"] = "from a process", ["steps"] = 2, ["seed"] = 3 })).Ok();
        var link = Assert.Single(result.Content.OfType<ResourceLinkBlock>());
        var blob = Assert.IsType<BlobResourceContents>(Assert.Single((await client.ReadResourceAsync(link.Uri)).Contents));
        Assert.Equal(TestModel.Side, TestImages.Decode(blob.DecodedData.Span).Width);
        Assert.Single(output.Pngs);
    }

    [Fact]
    public async Task Stdout_carries_nothing_but_json_rpc_and_logs_go_to_stderr()
    {
        using var output = new TempDir();
        using var process = Process.Start(StartInfo(output, "serve", "--models", TestModel.ModelsPath, "--verbose"))!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            async Task SendAsync(string json)
            {
                await process.StandardInput.WriteLineAsync(json);
                await process.StandardInput.FlushAsync();
            }
            await SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            await SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"generate_image","arguments":{"prompt":"x","steps":2},"_meta":{"progressToken":"p"}}}""");
            await SendAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"generate_image","arguments":{"prompt":"x","steps":"many"}}}""");

            var lines = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            while (lines.Count(l => l.Contains("\"id\":")) < 3 && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                lines.Add(line);
            process.StandardInput.Close(); // end of input: the server shuts down and exits
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } rest) lines.Add(rest);
            await process.WaitForExitAsync(timeout.Token);

            Assert.Equal(0, process.ExitCode);
            Assert.NotEmpty(lines);
            foreach (var line in lines)
                Assert.Equal("2.0", JsonNode.Parse(line)!["jsonrpc"]!.GetValue<string>()); // every line is JSON-RPC
            var responses = lines.Select(l => JsonNode.Parse(l)!).Where(n => n["id"] is not null).ToList();
            Assert.Equal([1, 2, 3], responses.Select(r => r["id"]!.GetValue<int>()).Order());
            Assert.True(responses.Single(r => r["id"]!.GetValue<int>() == 3)["result"]!["isError"]!.GetValue<bool>());
            Assert.Contains(lines, l => l.Contains("notifications/progress"));

            var log = await stderr;
            Assert.Contains("Easel MCP server on stdio", log); // the logs went to stderr
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Http_on_a_public_address_without_a_key_exits_non_zero_with_a_clear_message()
    {
        using var output = new TempDir();
        using var process = Process.Start(StartInfo(output, "serve", "--http", "--urls", "http://0.0.0.0:0"))!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stderr = await process.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("refusing to listen on http://0.0.0.0:0 without an API key", stderr);
        Assert.Contains("EASEL_API_KEY", stderr);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task Unknown_serve_options_are_usage_errors()
    {
        using var output = new TempDir();
        using var process = Process.Start(StartInfo(output, "serve", "--htp"))!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stderr = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("htp", stderr);
    }
}
