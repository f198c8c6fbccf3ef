using System.Diagnostics;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit.Abstractions;

namespace Easel.Consumer.Tests;

/// <summary>The Easel tool installed from the packed feed (once per run), and MCP stdio connections to it.</summary>
public sealed record InstalledTool(string ToolPath, string Easel);

/// <summary>Installs the tool and starts stdio servers as MCP hosts do, logging the time to the initialize answer.</summary>
public sealed class EaselTool(PackedFeed feed, ITestOutputHelper log)
{
    public static readonly TimeSpan McpTimeout = TimeSpan.FromMinutes(2);


    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static InstalledTool? _installed;

    /// <summary>`dotnet tool install Easel --tool-path DIR` from the feed, once per run.</summary>
    public async Task<InstalledTool> InstallAsync()
    {
        await InstallGate.WaitAsync(TimeSpan.FromMinutes(5));
        try
        {
            if (_installed is { } done && File.Exists(done.Easel)) return done;
            var toolPath = Path.Combine(feed.Root, "tools");
            (await PackedFeed.RunDotnetAsync(feed.Root, "tool", "install", "Easel", "--tool-path", toolPath, "--version", feed.Version)).Ok("dotnet tool install");
            var easel = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "easel.exe" : "easel");
            Assert.True(File.Exists(easel), $"no easel command in {toolPath}");
            return _installed = new InstalledTool(toolPath, easel);
        }
        finally { InstallGate.Release(); }
    }

    /// <summary>Starts a stdio server as an MCP host does and completes initialize; logs how long that took.</summary>
    public async Task<McpClient> ConnectAsync(string command, IList<string> arguments, string workingDirectory, string outputDirectory)
    {
        var environment = new Dictionary<string, string?>
        {
            ["EASEL_OUTPUT_DIR"] = outputDirectory,
            ["EASEL_MODELS"] = null,
            ["EASEL_DEFAULT_MODEL"] = null,
            ["EASEL_API_KEY"] = null,
            ["EASEL_EXECUTION_PROVIDER"] = null,
        };
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "easel",
            Command = command,
            Arguments = arguments,
            WorkingDirectory = workingDirectory,
            EnvironmentVariables = environment,
        });
        using var cts = new CancellationTokenSource(McpTimeout);
        var stopwatch = Stopwatch.StartNew();
        var client = await McpClient.CreateAsync(transport, cancellationToken: cts.Token);
        log.WriteLine($"initialize answered after {stopwatch.Elapsed.TotalSeconds:F2} s: {command} {string.Join(' ', arguments)}");
        return client;
    }

    public static async Task<CallToolResult> CallGenerateAsync(McpClient client)
    {
        using var cts = new CancellationTokenSource(McpTimeout);
        return await client.CallToolAsync("generate_image", new Dictionary<string, object?>
        {
            ["prompt"] = "a green square on a white background",
            ["seed"] = 5,
            ["steps"] = 4,
        }, cancellationToken: cts.Token);
    }

    public static string ResolveDotnet()
    {
        if (Path.IsPathRooted(PackedFeed.Dotnet)) return PackedFeed.Dotnet;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(candidate)) return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
        }
        throw new FileNotFoundException("dotnet not found on PATH");
    }
}
