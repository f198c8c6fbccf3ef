using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Easel.Testing;

namespace Easel.McpServer.Tests.Peers;

/// <summary>
/// The <c>mcp-remote</c> config of docs/mcp-clients.md (Claude Desktop's way to an HTTP server), run as that config
/// says: <c>npx -y mcp-remote URL</c> in front of a running <c>easel serve --http</c>, with the official TypeScript SDK
/// client on the stdio side. npx resolves mcp-remote to the lockfile's copy in tests/peers/mcp (offline, so no other
/// version can be fetched), on the peers' Node 22. initialize, tools/list and one generate_image that the client
/// validates against its outputSchema.
/// </summary>
[Collection(OfficialClients.Name)]
[Trait("Category", "Process")]
public sealed class McpRemoteBridgeTests
{
    private const string DocumentedUrl = "http://127.0.0.1:8765/mcp";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    /// <summary>The one server entry of docs/mcp-clients.md whose command line runs mcp-remote.</summary>
    internal static (string Command, List<string> Args) DocumentedBridge()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "mcp-clients.md"));
        var found = new List<(string, List<string>)>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```json") continue;
            var text = new List<string>();
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++) text.Add(lines[i]);
            var root = JsonNode.Parse(string.Join('\n', text))!.AsObject();
            foreach (var (_, server) in (root["mcpServers"] ?? root["servers"])?.AsObject() ?? [])
            {
                var args = server!["args"]?.AsArray().Select(a => (string)a!).ToList() ?? [];
                if (args.Contains("mcp-remote")) found.Add(((string)server["command"]!, args));
            }
        }
        return Assert.Single(found);
    }

    [Fact]
    public void The_documented_bridge_is_the_pinned_npx_mcp_remote_on_the_default_url()
    {
        var (command, args) = DocumentedBridge();
        Assert.Equal("npx", command);
        Assert.Equal(["-y", "mcp-remote", DocumentedUrl], args);
        var pinned = JsonNode.Parse(File.ReadAllText(Path.Combine(NodePeers.Folder, "package.json")))!["dependencies"]!["mcp-remote"];
        Assert.Equal("0.15.1", (string?)pinned);
    }

    [Fact]
    public async Task The_typescript_client_through_the_documented_mcp_remote_config_generates_a_validated_image()
    {
        await NodePeers.EnsureInstalledAsync();
        var (command, args) = DocumentedBridge();
        using var output = new TempDir();
        using var config = new TempDir();
        using var server = StartHttpServer(output.Path);
        try
        {
            var url = new Uri(await WaitUntilListeningAsync(server), "mcp").ToString();
            // The doc's args with only the port changed; npx found on PATH as a desktop client finds it.
            var bridged = args.Select(a => a == DocumentedUrl ? url : a).ToList();
            var npx = ResolveOnPath(command);
            var run = await NodePeers.NodeAsync([Path.Combine(NodePeers.Folder, "bridge-client.mjs"), npx, .. bridged], Limit, new Dictionary<string, string?>
            {
                ["npm_config_offline"] = "true", // only the lockfile's mcp-remote, never a download
                ["npm_config_yes"] = "true",
                ["MCP_REMOTE_CONFIG_DIR"] = config.Path, // mcp-remote keeps client registrations here; not in ~
            });
            JsonElement report;
            try
            {
                report = JsonDocument.Parse(NodePeers.LastLine(run.Stdout)).RootElement;
            }
            catch (JsonException)
            {
                throw new Xunit.Sdk.XunitException("the bridge client printed no report:\n" + run.Describe());
            }
            var failures = report.GetProperty("failures").EnumerateArray().Select(f => f.GetString()).ToList();
            Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + run.Describe());
            Assert.Equal(0, run.ExitCode);
            Assert.StartsWith("v22.", report.GetProperty("node").GetString(), StringComparison.Ordinal);
            Assert.Equal("easel", report.GetProperty("serverName").GetString());
            Assert.Equal(DeclaredTools.Count, report.GetProperty("tools").GetInt32());
            Assert.True(report.GetProperty("validated").GetBoolean());
            Assert.Equal(1, report.GetProperty("images").GetInt32());
            // The bridge names itself in the clientInfo it forwards: this was mcp-remote 0.15.1, the pinned one.
            Assert.Contains("mcp-remote 0.15.1", run.Stderr, StringComparison.Ordinal);
            Assert.Single(output.Pngs);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync().Within("easel serve --http exit");
        }
    }

    private static Process StartHttpServer(string outputDirectory)
    {
        var info = new ProcessStartInfo(EaselExecutable.Path)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "serve", "--http", "--urls", ServerStartLine.AnyLoopbackPort, "--models", TestModel.ModelsPath }) info.ArgumentList.Add(a);
        foreach (var (key, value) in EaselExecutable.Environment(outputDirectory))
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }
        info.Environment.Remove("ASPNETCORE_URLS");
        return Process.Start(info) ?? throw new InvalidOperationException("could not start easel serve --http");
    }

    /// <summary>The address it bound, once it logs it (read from its log, not waited for with a sleep).</summary>
    private static async Task<Uri> WaitUntilListeningAsync(Process server)
    {
        using var ready = new CancellationTokenSource(Limits.Call);
        string? line;
        while ((line = await server.StandardError.ReadLineAsync(ready.Token)) is not null && !ServerStartLine.IsStartLine(line)) { }
        Assert.True(line is not null, "easel serve --http exited before listening");
        _ = server.StandardError.ReadToEndAsync(CancellationToken.None); // keep draining so the server never blocks on a full pipe
        _ = server.StandardOutput.ReadToEndAsync(CancellationToken.None);
        return ServerStartLine.Address(line) ?? throw new Xunit.Sdk.XunitException("no address in its start-up line: " + line);
    }

    private static string ResolveOnPath(string command)
    {
        foreach (var folder in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, OperatingSystem.IsWindows() ? command + ".cmd" : command);
            if (File.Exists(candidate)) return candidate;
        }
        throw new Xunit.Sdk.XunitException($"'{command}' (from the documented config) is not on PATH; it comes with npm.");
    }
}
