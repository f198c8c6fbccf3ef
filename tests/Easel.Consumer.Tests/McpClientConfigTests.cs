using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Easel.Testing;
using ModelContextProtocol.Client;
using Xunit.Abstractions;

namespace Easel.Consumer.Tests;

/// <summary>
/// Every client config in docs/mcp-clients.md, run as the client would run it: the stdio command lines (the
/// installed tool, dnx, dotnet run --no-build) and the HTTP URLs against a running <c>easel serve --http</c> must
/// answer initialize. Placeholders are replaced by this run's paths; the time to the initialize answer is logged.
/// </summary>
[Collection(UsesPackedFeed.Name)]
public sealed class McpClientConfigTests(PackedFeed feed, ITestOutputHelper log)
{
    private const string Document = "docs/mcp-clients.md";

    /// <summary>One server entry of one JSON block.</summary>
    public sealed record ClientConfig(string Client, int Line, JsonObject Server)
    {
        public override string ToString() => $"{Client} config at line {Line}";
    }

    public static IReadOnlyList<ClientConfig> Read()
    {
        var lines = File.ReadAllLines(Path.Combine(PackedFeed.Repository, Document));
        var configs = new List<ClientConfig>();
        string client = "";
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("## ", StringComparison.Ordinal)) client = lines[i][3..].Trim();
            if (lines[i].Trim() != "```json") continue;
            int start = i;
            var text = new List<string>();
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++) text.Add(lines[i]);
            var root = JsonNode.Parse(string.Join('\n', text))!.AsObject();
            var servers = (root["mcpServers"] ?? root["servers"])?.AsObject();
            if (servers is null) continue; // appsettings examples
            foreach (var (_, server) in servers) configs.Add(new ClientConfig(client, start + 1, server!.AsObject()));
        }
        return configs;
    }

    public static TheoryData<int> Configs()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Read().Count; i++) data.Add(i);
        return data;
    }

    [Fact]
    public void Every_client_has_stdio_and_http_configs_and_none_builds_at_start()
    {
        var configs = Read();
        foreach (var client in new[] { "Claude Desktop", "VS Code", "Cursor" })
        {
            Assert.Contains(configs, c => c.Client == client && c.Server["command"] is not null);
            Assert.Contains(configs, c => c.Client == client && (c.Server["url"] is not null || Args(c).Contains("mcp-remote")));
            Assert.Contains(configs, c => c.Client == client && (string?)c.Server["command"] == "dnx");
        }
        foreach (var config in configs.Where(c => (string?)c.Server["command"] == "dotnet"))
            Assert.Contains("--no-build", Args(config));
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task Config_answers_initialize(int index)
    {
        var config = Read()[index];
        var work = feed.NewFolder("client");
        if (config.Server["url"] is { } url)
        {
            await HttpConfigAsync(config, (string)url!, work);
            return;
        }
        var command = (string)config.Server["command"]!;
        var args = Args(config);
        if (command == "npx")
        {
            // The mcp-remote bridge runs on the MCP peers' Node 22: Easel.McpServer.Tests McpRemoteBridgeTests runs this config.
            Assert.Contains("mcp-remote", args);
            log.WriteLine($"{config}: mcp-remote bridge, run by Easel.McpServer.Tests (McpRemoteBridgeTests)");
            return;
        }
        var tools = new EaselTool(feed, log);
        (command, args) = command switch
        {
            "dnx" => (Path.Combine(Path.GetDirectoryName(EaselTool.ResolveDotnet())!, "dnx"),
                      args.Select(a => a == "Easel" ? $"Easel@{feed.Version}" : a).ToList()),
            "dotnet" => (PackedFeed.Dotnet, args.Select(a => a.Replace("/path/to/src/McpServer", Path.Combine(PackedFeed.Repository, "src", "McpServer"), StringComparison.Ordinal)).ToList()),
            _ when command.EndsWith("/easel", StringComparison.Ordinal) => ((await tools.InstallAsync()).Easel, args),
            _ => throw new Xunit.Sdk.XunitException($"{config}: no way to run command '{command}'"),
        };
        var output = Path.Combine(work, "images");
        await using var client = await tools.ConnectAsync(command, args, work, output);
        Assert.Equal("easel", client.ServerInfo?.Name);
        log.WriteLine($"  ({config})");
    }

    private async Task HttpConfigAsync(ClientConfig config, string url, string work)
    {
        var easel = (await new EaselTool(feed, log).InstallAsync()).Easel;
        const string key = "test-key-123";
        var info = new ProcessStartInfo(easel) { WorkingDirectory = work, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "serve", "--http", "--urls", ServerStartLine.AnyLoopbackPort }) info.ArgumentList.Add(arg);
        ProcessRunner.Isolate(info.Environment);
        info.Environment["EASEL_OUTPUT_DIR"] = Path.Combine(work, "images");
        var headers = config.Server["headers"]?.AsObject();
        if (headers is not null) info.Environment["EASEL_API_KEY"] = key;
        using var server = Process.Start(info)!;
        try
        {
            // Ready once it logs the address it bound (read, not waited for with a sleep).
            Uri bound;
            using (var ready = new CancellationTokenSource(EaselTool.McpTimeout))
            {
                string? line;
                while ((line = await server.StandardError.ReadLineAsync(ready.Token)) is not null && !ServerStartLine.IsStartLine(line)) { }
                Assert.NotNull(line);
                bound = ServerStartLine.Address(line) ?? throw new Xunit.Sdk.XunitException("no address in its start-up line: " + line);
            }
            var endpoint = new Uri(Regex.Replace(url, @"127\.0\.0\.1:\d+", bound.Authority));
            var additional = headers?.ToDictionary(h => h.Key, h => Regex.Replace((string)h.Value!, @"Bearer .*", $"Bearer {key}"));
            using var cts = new CancellationTokenSource(EaselTool.McpTimeout);
            var stopwatch = Stopwatch.StartNew();
            await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, AdditionalHeaders = additional }), cancellationToken: cts.Token);
            log.WriteLine($"{config}: initialize over HTTP answered after {stopwatch.Elapsed.TotalSeconds:F2} s (server already running)");
            Assert.Equal("easel", client.ServerInfo?.Name);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static List<string> Args(ClientConfig config) =>
        config.Server["args"]?.AsArray().Select(a => (string)a!).ToList() ?? [];
}
